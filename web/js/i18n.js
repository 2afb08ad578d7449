// English and Simplified Chinese. Every label of the UI is here; numbers and
// dates are formatted with Intl for the chosen language, times in the
// viewer's own time zone.

const dict = {
  en: {
    'fig.title': 'Figures of this conversation', 'fig.first_response': 'First response', 'fig.replies': 'Replies', 'fig.reply_median': 'Reply, median',
    'fig.reply_p90': 'Reply, p90', 'fig.duration': 'Duration', 'fig.resolution': 'Resolution', 'fig.depth': 'Depth', 'fig.transfers': 'Transfers',
    'nav.admin': 'Admin', 'admin.title': 'Administration', 'admin.users': 'Users', 'admin.username': 'User name', 'admin.role': 'Role',
    'admin.agent': 'Agent id', 'admin.state': 'State', 'admin.active': 'active', 'admin.inactive': 'deactivated', 'admin.save': 'Save',
    'admin.saved': 'Saved.', 'admin.deactivate': 'Deactivate', 'admin.activate': 'Activate', 'admin.reset': 'Reset password',
    'admin.newpassword': 'New password for {user}', 'admin.add': 'Add user', 'admin.tokens': 'API tokens', 'admin.tokenname': 'Name',
    'admin.create': 'Create token', 'admin.tokenonce': 'Copy it now, it is shown only once:', 'admin.revoke': 'Revoke', 'admin.revoked': 'revoked',
    'admin.schedule': 'Business hours', 'admin.holidays': 'Holidays', 'admin.sla': 'First-response SLA (seconds)', 'admin.sladefault': 'Default',
    'admin.slateams': 'Per team (team=seconds, …)', 'admin.audit': 'Audit log', 'admin.verify': 'Verify the chain now',
    'admin.verified': 'The chain verifies: {entries} entries, {events} events.', 'admin.broken': 'The chain does NOT verify: {problem}',
    'admin.head': 'Chain head {seq}:{hash}', 'admin.when': 'When', 'admin.who': 'Who', 'admin.action': 'Action', 'admin.target': 'Target', 'admin.detail': 'Detail',
    'userrole.admin': 'admin', 'userrole.manager': 'manager', 'userrole.qa': 'qa', 'userrole.agent': 'agent',
    'nav.teams': 'Teams', 'teams.title': 'Team scorecards', 'teams.median': 'Team median', 'teams.p90': 'Team p90', 'teams.csv': 'Download CSV',
    'teams.role': 'Columns of the {role} scorecard', 'teams.metric': 'Figure', 'teams.trend': 'Weekly trend', 'teams.week': 'Week',
    'col.first_response_median': 'First response, median', 'col.first_response_p90': 'First response, p90', 'col.reply_mean': 'Reply, mean',
    'col.reply_p90': 'Reply, p90', 'col.sla_attainment': 'SLA attainment', 'col.resolution_median': 'Resolution, median',
    'col.unanswered': 'Unanswered', 'col.csat_mean': 'CSAT', 'col.peak_hour_stability': 'Peak-hour stability',
    'col.conversations_handled': 'Handled', 'col.depth_mean': 'Depth, mean', 'col.follow_ups': 'Follow-ups',
    'col.engagement_span_days_mean': 'Engagement span, days', 'col.transfers_made': 'Transfers made', 'col.transfers_received': 'Transfers received',
    'col.transfer_rate': 'Transfer rate', 'col.post_transfer_mean': 'After transfer, mean', 'col.notes_written': 'Notes written',
    'nav.overview': 'Overview',
    'dash.title': 'Overview', 'dash.period': 'Period', 'dash.today': 'Today', 'dash.7d': 'Last 7 days', 'dash.30d': 'Last 30 days',
    'dash.month': 'This month', 'dash.custom': 'Custom', 'dash.from': 'From', 'dash.to': 'To', 'dash.tz': 'Time zone', 'dash.team': 'Team',
    'dash.role': 'Role', 'dash.business': 'Business hours only', 'dash.kpis': 'Key figures', 'dash.previous': 'against {from} – {to}',
    'dash.series': 'New conversations per day', 'dash.channels': 'Channel share', 'dash.heatmap': 'New conversations by weekday and hour',
    'kpi.new': 'New conversations', 'kpi.handled': 'Conversations handled', 'kpi.frt_median': 'First response, median',
    'kpi.frt_p90': 'First response, p90', 'kpi.reply_median': 'Reply time, median', 'kpi.resolution_median': 'Resolution, median',
    'kpi.sla': 'SLA attainment', 'kpi.unanswered': 'Unanswered', 'kpi.csat': 'CSAT',
    'role.support': 'Support', 'role.sales': 'Sales', 'role.ops': 'Ops',
    'day.mon': 'Mon', 'day.tue': 'Tue', 'day.wed': 'Wed', 'day.thu': 'Thu', 'day.fri': 'Fri', 'day.sat': 'Sat', 'day.sun': 'Sun',
    'samples.title': 'Samples: {metric}', 'samples.total': '{n} samples', 'samples.start': 'Start', 'samples.end': 'End',
    'samples.seconds': 'Seconds', 'samples.value': 'Value',
    'nav.skip': 'Skip to content', 'nav.conversations': 'Conversations', 'nav.search': 'Search', 'nav.signout': 'Sign out',
    'lang.label': 'Language',
    'signin.title': 'Sign in', 'signin.user': 'User name', 'signin.password': 'Password', 'signin.submit': 'Sign in',
    'signin.expired': 'Your session has ended. Please sign in again.', 'signin.failed': 'Wrong user name or password.',
    'search.title': 'Search transcripts', 'search.q': 'Words, "phrases", OR, -exclude, prefix*, agent:, tag:, channel:',
    'search.submit': 'Search', 'search.channel': 'Channel', 'search.any': 'Any', 'search.deleted': 'Deleted messages',
    'search.deleted.include': 'Include', 'search.deleted.exclude': 'Leave out', 'search.deleted.only': 'Only these',
    'search.sort': 'Order', 'search.sort.relevance': 'Best match', 'search.sort.newest': 'Newest',
    'search.total': '{n} hits', 'search.total.one': '1 hit', 'search.none': 'Nothing found.', 'search.more': 'More', 'search.building': 'The search index is being built; try again in a moment.',
    'kind.message': 'message', 'kind.revision': 'earlier text', 'kind.note': 'internal note', 'kind.subject': 'subject', 'kind.attachment': 'attachment',
    'flag.deleted': 'deleted', 'flag.edited': 'edited',
    'sender.customer': 'Customer', 'sender.agent': 'Agent', 'sender.bot': 'Bot',
    'convs.title': 'Conversations', 'convs.status': 'Status', 'convs.status.open': 'Open', 'convs.status.resolved': 'Resolved', 'convs.status.waiting': 'Waiting',
    'convs.agent': 'Agent', 'convs.tag': 'Tag', 'convs.filter': 'Filter', 'convs.id': 'Conversation', 'convs.channel': 'Channel',
    'convs.last': 'Last activity', 'convs.messages': 'Messages', 'convs.none': 'No conversations.',
    'conv.channel': 'Channel', 'conv.status': 'Status', 'conv.agents': 'Agents', 'conv.tags': 'Tags', 'conv.csat': 'CSAT', 'conv.contact': 'Contact',
    'conv.notfound': 'No such conversation, or not one you may see.',
    'tl.edited': 'edited', 'tl.original': 'Show earlier texts ({n})', 'tl.recalled': 'recalled by the {by} at {time}',
    'tl.deleted': 'deleted at {time}', 'tl.withheld': 'content withheld', 'tl.note': 'Internal note by {agent}',
    'tl.assign': 'Assigned to {agent}', 'tl.transfer': 'Transferred from {from} to {to}', 'tl.reason': 'reason: {reason}',
    'tl.tag': 'Tagged {tag}', 'tl.untag': 'Tag {tag} removed', 'tl.resolve': 'Resolved', 'tl.resolveby': 'Resolved by {agent}',
    'ag.title': 'Agents and teams', 'ag.name': 'Name', 'ag.team': 'Team', 'ag.role': 'Role', 'ag.active': 'Active', 'ag.add': 'Add agent',
    'ag.teams': 'Teams: {teams}. A team is the team of its agents; an agent who leaves is made inactive and keeps its conversations.',
    'ch.title': 'Channels', 'ch.id': 'Id', 'ch.kind': 'Kind', 'ch.url': 'Webhook or embed code', 'ch.secrets': 'Secrets set', 'ch.poll': 'Last mailbox poll',
    'ch.remove': 'Remove', 'ch.confirm': 'Remove channel {id}? Its conversations stay.', 'ch.keep': 'unchanged if empty',
    'ch.inbox': 'Deliveries: {total} stored, {pending} waiting. Not understood (kept as received):', 'ch.noproblems': 'Every delivery was understood.',
    'ch.state.unknown': 'not understood', 'ch.state.error': 'unreadable', 'ch.state.pending': 'waiting', 'ch.state.ok': 'ok',
    'ch.kind.whatsapp': 'WhatsApp', 'ch.kind.messenger': 'Messenger', 'ch.kind.instagram': 'Instagram', 'ch.kind.line': 'LINE', 'ch.kind.telegram': 'Telegram',
    'ch.kind.wechat': 'WeChat Official Account', 'ch.kind.wecom_kf': 'WeCom customer service', 'ch.kind.email': 'E-mail', 'ch.kind.webchat': 'Web chat',
    'ch.f.account_id': 'Account id / address', 'ch.f.secret': 'Signing secret', 'ch.f.verify_token': 'Verify token', 'ch.f.access_token': 'Access token',
    'ch.f.aes_key': 'EncodingAESKey', 'ch.f.base_url': 'API base URL', 'ch.f.smtp_url': 'SMTP URL', 'ch.f.imap_url': 'IMAP URL', 'ch.f.allowed_origins': 'Allowed sites',
    'tl.echo': 'sent outside chatledger', 'st.sent': 'sent', 'st.delivered': 'delivered', 'st.read': 'read', 'st.played': 'played', 'st.failed': 'not delivered',
    'reply.title': 'Reply', 'reply.text': 'Your reply to the customer', 'reply.agent': 'As agent', 'reply.send': 'Send',
    'reply.pending': 'Sending… (attempts: {n})', 'reply.failed': 'Not sent: {error}', 'reply.retry': 'Try again',
    'tl.reopen': 'Reopened', 'tl.csat': 'Customer rated {score}/5', 'by.customer': 'customer', 'by.agent': 'agent', 'by.system': 'system',
    'error.generic': 'Something went wrong: {msg}',
  },
  'zh-CN': {
    'fig.title': '本会话的指标', 'fig.first_response': '首次响应', 'fig.replies': '回复次数', 'fig.reply_median': '回复（中位数）',
    'fig.reply_p90': '回复（P90）', 'fig.duration': '会话时长', 'fig.resolution': '解决时长', 'fig.depth': '会话深度', 'fig.transfers': '转接次数',
    'nav.admin': '管理', 'admin.title': '系统管理', 'admin.users': '用户', 'admin.username': '用户名', 'admin.role': '角色',
    'admin.agent': '客服 ID', 'admin.state': '状态', 'admin.active': '启用', 'admin.inactive': '已停用', 'admin.save': '保存',
    'admin.saved': '已保存。', 'admin.deactivate': '停用', 'admin.activate': '启用', 'admin.reset': '重置密码',
    'admin.newpassword': '{user} 的新密码', 'admin.add': '添加用户', 'admin.tokens': 'API 令牌', 'admin.tokenname': '名称',
    'admin.create': '创建令牌', 'admin.tokenonce': '请立即复制，只显示一次：', 'admin.revoke': '吊销', 'admin.revoked': '已吊销',
    'admin.schedule': '工作时间', 'admin.holidays': '节假日', 'admin.sla': '首次响应 SLA（秒）', 'admin.sladefault': '默认',
    'admin.slateams': '按团队（团队=秒，…）', 'admin.audit': '审计日志', 'admin.verify': '立即校验审计链',
    'admin.verified': '审计链校验通过：{entries} 条记录，{events} 个事件。', 'admin.broken': '审计链校验失败：{problem}',
    'admin.head': '链头 {seq}:{hash}', 'admin.when': '时间', 'admin.who': '操作者', 'admin.action': '操作', 'admin.target': '对象', 'admin.detail': '详情',
    'userrole.admin': '管理员', 'userrole.manager': '经理', 'userrole.qa': '质检', 'userrole.agent': '客服',
    'nav.teams': '团队', 'teams.title': '团队评分卡', 'teams.median': '团队中位数', 'teams.p90': '团队 P90', 'teams.csv': '下载 CSV',
    'teams.role': '{role}评分卡的指标', 'teams.metric': '指标', 'teams.trend': '每周趋势', 'teams.week': '周',
    'col.first_response_median': '首次响应（中位数）', 'col.first_response_p90': '首次响应（P90）', 'col.reply_mean': '回复（平均）',
    'col.reply_p90': '回复（P90）', 'col.sla_attainment': 'SLA 达成率', 'col.resolution_median': '解决时长（中位数）',
    'col.unanswered': '未回复', 'col.csat_mean': '满意度', 'col.peak_hour_stability': '高峰稳定性',
    'col.conversations_handled': '处理量', 'col.depth_mean': '会话深度（平均）', 'col.follow_ups': '跟进次数',
    'col.engagement_span_days_mean': '跟进跨度（天）', 'col.transfers_made': '转出', 'col.transfers_received': '转入',
    'col.transfer_rate': '转接率', 'col.post_transfer_mean': '转接后响应（平均）', 'col.notes_written': '备注数',
    'nav.overview': '概览',
    'dash.title': '概览', 'dash.period': '时间段', 'dash.today': '今天', 'dash.7d': '最近 7 天', 'dash.30d': '最近 30 天',
    'dash.month': '本月', 'dash.custom': '自定义', 'dash.from': '开始', 'dash.to': '结束', 'dash.tz': '时区', 'dash.team': '团队',
    'dash.role': '岗位', 'dash.business': '仅工作时间', 'dash.kpis': '关键指标', 'dash.previous': '对比 {from} – {to}',
    'dash.series': '每日新会话', 'dash.channels': '渠道占比', 'dash.heatmap': '按星期和小时的新会话',
    'kpi.new': '新会话', 'kpi.handled': '处理的会话', 'kpi.frt_median': '首次响应（中位数）',
    'kpi.frt_p90': '首次响应（P90）', 'kpi.reply_median': '回复时长（中位数）', 'kpi.resolution_median': '解决时长（中位数）',
    'kpi.sla': 'SLA 达成率', 'kpi.unanswered': '未回复', 'kpi.csat': '满意度',
    'role.support': '客服', 'role.sales': '销售', 'role.ops': '运营',
    'day.mon': '周一', 'day.tue': '周二', 'day.wed': '周三', 'day.thu': '周四', 'day.fri': '周五', 'day.sat': '周六', 'day.sun': '周日',
    'samples.title': '样本：{metric}', 'samples.total': '共 {n} 个样本', 'samples.start': '开始', 'samples.end': '结束',
    'samples.seconds': '秒', 'samples.value': '值',
    'nav.skip': '跳到正文', 'nav.conversations': '会话', 'nav.search': '搜索', 'nav.signout': '退出登录',
    'lang.label': '语言',
    'signin.title': '登录', 'signin.user': '用户名', 'signin.password': '密码', 'signin.submit': '登录',
    'signin.expired': '登录已过期，请重新登录。', 'signin.failed': '用户名或密码错误。',
    'search.title': '搜索聊天记录', 'search.q': '关键词、"短语"、OR、-排除、前缀*、agent:、tag:、channel:',
    'search.submit': '搜索', 'search.channel': '渠道', 'search.any': '全部', 'search.deleted': '已删除的消息',
    'search.deleted.include': '包含', 'search.deleted.exclude': '不包含', 'search.deleted.only': '仅显示',
    'search.sort': '排序', 'search.sort.relevance': '最相关', 'search.sort.newest': '最新',
    'search.total': '共 {n} 条结果', 'search.total.one': '共 1 条结果', 'search.none': '没有找到。', 'search.more': '更多', 'search.building': '搜索索引正在建立，请稍后再试。',
    'kind.message': '消息', 'kind.revision': '修改前的内容', 'kind.note': '内部备注', 'kind.subject': '邮件主题', 'kind.attachment': '附件',
    'flag.deleted': '已删除', 'flag.edited': '已编辑',
    'sender.customer': '客户', 'sender.agent': '客服', 'sender.bot': '机器人',
    'convs.title': '会话', 'convs.status': '状态', 'convs.status.open': '进行中', 'convs.status.resolved': '已解决', 'convs.status.waiting': '等待回复',
    'convs.agent': '客服', 'convs.tag': '标签', 'convs.filter': '筛选', 'convs.id': '会话', 'convs.channel': '渠道',
    'convs.last': '最近活动', 'convs.messages': '消息数', 'convs.none': '没有会话。',
    'conv.channel': '渠道', 'conv.status': '状态', 'conv.agents': '客服', 'conv.tags': '标签', 'conv.csat': '满意度', 'conv.contact': '客户',
    'conv.notfound': '会话不存在，或您无权查看。',
    'tl.edited': '已编辑', 'tl.original': '查看修改前的内容（{n}）', 'tl.recalled': '{by}于 {time} 撤回',
    'tl.deleted': '于 {time} 删除', 'tl.withheld': '内容不可见', 'tl.note': '{agent} 的内部备注',
    'tl.assign': '分配给 {agent}', 'tl.transfer': '由 {from} 转接给 {to}', 'tl.reason': '原因：{reason}',
    'tl.tag': '添加标签 {tag}', 'tl.untag': '移除标签 {tag}', 'tl.resolve': '已解决', 'tl.resolveby': '{agent} 标记为已解决',
    'ag.title': '客服与团队', 'ag.name': '姓名', 'ag.team': '团队', 'ag.role': '岗位', 'ag.active': '在职', 'ag.add': '添加客服',
    'ag.teams': '团队：{teams}。团队由其客服组成；离职的客服设为不在职，其会话保留。',
    'ch.title': '渠道', 'ch.id': '标识', 'ch.kind': '类型', 'ch.url': 'Webhook 地址或嵌入代码', 'ch.secrets': '已设置的密钥', 'ch.poll': '最近一次收信',
    'ch.remove': '删除', 'ch.confirm': '删除渠道 {id}？其会话会保留。', 'ch.keep': '留空则不变',
    'ch.inbox': '推送：已保存 {total} 条，待处理 {pending} 条。无法识别（按原样保存）：', 'ch.noproblems': '所有推送均已识别。',
    'ch.state.unknown': '无法识别', 'ch.state.error': '无法读取', 'ch.state.pending': '待处理', 'ch.state.ok': '正常',
    'ch.kind.whatsapp': 'WhatsApp', 'ch.kind.messenger': 'Messenger', 'ch.kind.instagram': 'Instagram', 'ch.kind.line': 'LINE', 'ch.kind.telegram': 'Telegram',
    'ch.kind.wechat': '微信公众号', 'ch.kind.wecom_kf': '企业微信·微信客服', 'ch.kind.email': '电子邮件', 'ch.kind.webchat': '网页聊天',
    'ch.f.account_id': '账号 ID / 邮箱地址', 'ch.f.secret': '签名密钥', 'ch.f.verify_token': '验证令牌', 'ch.f.access_token': '访问令牌',
    'ch.f.aes_key': 'EncodingAESKey', 'ch.f.base_url': 'API 地址', 'ch.f.smtp_url': 'SMTP 地址', 'ch.f.imap_url': 'IMAP 地址', 'ch.f.allowed_origins': '允许的网站',
    'tl.echo': '在 chatledger 之外发送', 'st.sent': '已发送', 'st.delivered': '已送达', 'st.read': '已读', 'st.played': '已播放', 'st.failed': '发送失败',
    'reply.title': '回复', 'reply.text': '回复客户的内容', 'reply.agent': '以客服身份', 'reply.send': '发送',
    'reply.pending': '发送中…（已尝试 {n} 次）', 'reply.failed': '未发送：{error}', 'reply.retry': '重试',
    'tl.reopen': '重新打开', 'tl.csat': '客户评分 {score}/5', 'by.customer': '客户', 'by.agent': '客服', 'by.system': '系统',
    'error.generic': '出错了：{msg}',
  },
};

let lang = 'en';

export function setLang(l) { lang = dict[l] ? l : 'en'; document.documentElement.lang = lang; }
export function currentLang() { return lang; }
export function pickLang(saved) {
  if (saved && dict[saved]) return saved;
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function t(key, vars = {}) {
  const s = (dict[lang] && dict[lang][key]) || dict.en[key] || key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] !== undefined ? String(vars[k]) : ''));
}

export const num = (n) => new Intl.NumberFormat(lang).format(n);
export const dateTime = (iso) =>
  iso ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '';
/** A duration in seconds for people: `45 s`, `5.0 min`, `2.3 h`; `–` for none. */
export const seconds = (s) =>
  s === null || s === undefined ? '–' : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
export const time = (iso) => (iso ? new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(new Date(iso)) : '');

/** Fills every [data-i18n] element under `root`. */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
