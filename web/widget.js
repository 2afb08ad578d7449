/* chatledger web chat widget.
 * <script src="https://HOST/widget.js" data-channel="ID" async></script>
 * Optional: data-lang="en|zh-CN", data-title="...". No dependencies; styles live in a shadow root. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector('script[src*="widget.js"][data-channel]');
  if (!script || window.__chatledgerWidget) return;
  window.__chatledgerWidget = true;
  var channel = script.getAttribute("data-channel");
  var base = new URL(script.src, location.href).origin + "/chat/" + encodeURIComponent(channel);
  var zh = /^zh/i.test(script.getAttribute("data-lang") || navigator.language || "");
  var T = zh
    ? { title: "在线客服", open: "打开在线客服", close: "关闭", ph: "请输入消息…", send: "发送", hello: "您好！有什么可以帮您？", failed: "发送失败，点击重试", wait: "发送太频繁，请稍后再试", off: "连接中断，正在重连…" }
    : { title: "Chat with us", open: "Open the chat", close: "Close", ph: "Type a message…", send: "Send", hello: "Hi! How can we help?", failed: "Not sent. Tap to retry", wait: "Too many messages; please wait a moment", off: "Reconnecting…" };
  T.title = script.getAttribute("data-title") || T.title;

  // The visitor is recognised again by a cookie on this site.
  var cookieName = "chatledger_" + channel.replace(/[^A-Za-z0-9_-]/g, "");
  function visitorId() {
    var m = document.cookie.match(new RegExp("(?:^|; )" + cookieName + "=([0-9a-f]{32})"));
    if (m) return m[1];
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    var id = Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
    document.cookie = cookieName + "=" + id + "; max-age=31536000; path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    return id;
  }
  var visitor = visitorId();

  var host = document.createElement("div");
  host.setAttribute("data-chatledger", channel);
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" +
    ":host{all:initial;font:14px/1.4 system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif}" +
    ".btn{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#1f6feb;color:#fff;font-size:26px;cursor:pointer;box-shadow:0 2px 10px #0004;z-index:2147483000}" +
    ".box{position:fixed;right:20px;bottom:88px;width:340px;max-width:calc(100vw - 40px);height:460px;max-height:calc(100vh - 120px);display:none;flex-direction:column;background:#fff;color:#1b1f24;border-radius:12px;box-shadow:0 4px 24px #0005;overflow:hidden;z-index:2147483000}" +
    ".box.open{display:flex}header{display:flex;justify-content:space-between;align-items:center;padding:12px 14px;background:#1f6feb;color:#fff;font-weight:600}" +
    "header button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}" +
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f8fa}" +
    ".m{max-width:80%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}" +
    ".visitor{align-self:flex-end;background:#1f6feb;color:#fff}.agent,.bot,.hello{align-self:flex-start;background:#fff;border:1px solid #d0d7de}" +
    ".pending{opacity:.6}.failed{background:#cf222e;cursor:pointer}.note{align-self:center;color:#57606a;font-size:12px}" +
    "form{display:flex;border-top:1px solid #d0d7de}textarea{flex:1;border:0;padding:10px;resize:none;font:inherit;height:44px;outline-offset:-2px}" +
    "form button{border:0;background:#1f6feb;color:#fff;padding:0 16px;font:inherit;cursor:pointer}" +
    "</style>" +
    '<button class="btn" part="launcher" aria-haspopup="dialog"></button>' +
    '<div class="box" role="dialog"><header><span class="t"></span><button class="x"></button></header>' +
    '<div class="log" role="log" aria-live="polite"></div>' +
    '<form><textarea rows="1"></textarea><button type="submit"></button></form></div>';
  var $ = function (s) { return root.querySelector(s); };
  var btn = $(".btn"), box = $(".box"), log = $(".log"), input = $("textarea"), form = $("form");
  btn.textContent = "💬";
  btn.setAttribute("aria-label", T.open);
  box.setAttribute("aria-label", T.title);
  $(".t").textContent = T.title;
  $(".x").textContent = "×";
  $(".x").setAttribute("aria-label", T.close);
  input.placeholder = T.ph;
  input.setAttribute("aria-label", T.ph);
  form.querySelector("button").textContent = T.send;

  var shown = {}; // message id -> element
  function bubble(cls, text, id) {
    var el = id && shown[id];
    if (!el) {
      el = document.createElement("div");
      log.appendChild(el);
      if (id) shown[id] = el;
    }
    el.className = "m " + cls;
    el.textContent = text;
    log.scrollTop = log.scrollHeight;
    return el;
  }
  bubble("hello", T.hello);

  function newId() {
    return "w-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }
  function send(text, id) {
    var el = bubble("visitor pending", text, id);
    el.onclick = null;
    fetch(base + "/messages", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ visitor: visitor, id: id, text: text, page: location.href }),
    })
      .then(function (r) {
        if (r.status === 429) throw new Error(T.wait);
        if (!r.ok) throw new Error(T.failed);
      })
      .catch(function (e) {
        el.className = "m visitor failed";
        el.title = e.message || T.failed;
        el.setAttribute("aria-label", text + " — " + (e.message || T.failed));
        // Tapping resends with the same id: the server stores it once.
        el.onclick = function () { send(text, id); };
      });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, newId());
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  var last = 0, stream = null, note = null;
  function show(m) {
    last = Math.max(last, m.seq);
    bubble(m.from, m.text, m.id);
  }
  function connect() {
    if (stream || !window.EventSource) return poll();
    stream = new EventSource(base + "/stream?visitor=" + visitor + "&after=" + last);
    stream.addEventListener("message", function (e) {
      if (note) { note.remove(); note = null; }
      show(JSON.parse(e.data));
    });
    stream.onerror = function () {
      if (!note) note = bubble("note", T.off);
    };
  }
  function poll() {
    fetch(base + "/messages?visitor=" + visitor + "&after=" + last)
      .then(function (r) { return r.json(); })
      .then(function (list) { list.forEach(show); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 5000); });
  }
  btn.addEventListener("click", function () {
    var open = box.classList.toggle("open");
    btn.setAttribute("aria-expanded", open);
    if (open) {
      connect();
      input.focus();
    }
  });
  $(".x").addEventListener("click", function () {
    box.classList.remove("open");
    btn.setAttribute("aria-expanded", "false");
    btn.focus();
  });
  // A returning visitor sees the conversation so far as soon as it opens the chat.
  (document.body || document.documentElement).appendChild(host);
})();
