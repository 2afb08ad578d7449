//! The running totals of one group (or of the whole selection), and how
//! they become the figures of [`super::report::Metrics`].

use std::collections::BTreeMap;

use super::items::{Item, ItemKind};
use super::report::*;
use crate::domain::Channel;

const CHANNELS: usize = 16;

/// A sample in memory: whole seconds, never negative (a timeline is in time
/// order), 4 bytes so that a million-conversation period stays small.
pub type Secs = u32;

fn secs(x: i64) -> Secs {
    x.clamp(0, Secs::MAX as i64) as Secs
}

/// Whole seconds and business seconds of a set of duration samples.
#[derive(Debug, Default, Clone)]
pub struct Durations {
    pub secs: Vec<Secs>,
    pub biz: Vec<Secs>,
}

impl Durations {
    #[inline(always)]
    fn push(&mut self, it: &Item) {
        self.secs.push(secs(it.secs));
        if it.biz >= 0 {
            self.biz.push(secs(it.biz));
        }
    }
    fn extend_from(&mut self, o: &Durations) {
        self.secs.extend_from_slice(&o.secs);
        self.biz.extend_from_slice(&o.biz);
    }
}

#[derive(Debug, Default, Clone)]
pub struct Bucket {
    pub handled: u64,
    pub touched: u64,
    pub new: u64,
    pub handled_by_channel: [u64; CHANNELS],
    pub new_by_channel: [u64; CHANNELS],
    pub first_response: Durations,
    pub reply: Durations,
    /// The wait-start hour of each reply sample, in order.
    pub reply_hours: Vec<u8>,
    pub duration: Durations,
    pub resolution: Durations,
    pub post_transfer: Durations,
    pub sla_attained: u64,
    pub sla_attained_biz: u64,
    pub unanswered: u64,
    pub messages_in: u64,
    pub messages_out: u64,
    pub csat_sum: u64,
    pub csat_count: u64,
    pub depth_sum: u64,
    pub depth_count: u64,
    pub follow_ups: u64,
    pub engagement: Vec<Secs>,
    pub transfers_made: u64,
    pub transfers_received: u64,
    pub notes: u64,
}

impl Bucket {
    #[inline(always)]
    /// Adds one item; `sla` is the first-response target (seconds) of its responder.
    pub fn add(&mut self, it: &Item, channel: Channel, sla: i64) {
        match it.kind {
            ItemKind::Response => self.messages_out += 1,
            ItemKind::Customer => self.messages_in += 1,
            ItemKind::FirstResponse => {
                self.first_response.push(it);
                self.sla_attained += (it.secs <= sla) as u64;
                self.sla_attained_biz += (it.biz >= 0 && it.biz <= sla) as u64;
            }
            ItemKind::Reply => {
                self.reply.push(it);
                self.reply_hours.push(it.hour);
            }
            ItemKind::FollowUp => self.follow_ups += 1,
            ItemKind::PostTransfer => self.post_transfer.push(it),
            ItemKind::TransferMade => self.transfers_made += 1,
            ItemKind::TransferReceived => self.transfers_received += 1,
            ItemKind::Note => self.notes += 1,
            ItemKind::Assign => {}
            ItemKind::Csat => {
                self.csat_sum += it.secs as u64;
                self.csat_count += 1;
            }
            ItemKind::New => {
                self.new += 1;
                self.new_by_channel[channel as usize] += 1;
            }
            ItemKind::Duration => self.duration.push(it),
            ItemKind::Resolution => self.resolution.push(it),
            ItemKind::Unanswered => self.unanswered += 1,
            ItemKind::Engagement => self.engagement.push(secs(it.secs)),
        }
    }

    /// A conversation this group handled in the period, once.
    pub fn add_handled(&mut self, channel: Channel, depth: u32) {
        self.handled += 1;
        self.handled_by_channel[channel as usize] += 1;
        self.depth_sum += depth as u64;
        self.depth_count += 1;
    }

    pub fn merge(&mut self, o: Bucket) {
        self.handled += o.handled;
        self.touched += o.touched;
        self.depth_sum += o.depth_sum;
        self.depth_count += o.depth_count;
        for i in 0..CHANNELS {
            self.handled_by_channel[i] += o.handled_by_channel[i];
        }
        self.merge_items(&o);
    }

    /// Room for the samples of all of `groups`, so that merging them copies once.
    pub fn reserve_like<'a>(&mut self, groups: impl Iterator<Item = &'a Bucket> + Clone) {
        let n = |f: fn(&Bucket) -> usize| groups.clone().map(f).sum::<usize>();
        self.first_response.secs.reserve(n(|b| b.first_response.secs.len()));
        self.first_response.biz.reserve(n(|b| b.first_response.biz.len()));
        self.reply.secs.reserve(n(|b| b.reply.secs.len()));
        self.reply.biz.reserve(n(|b| b.reply.biz.len()));
        self.reply_hours.reserve(n(|b| b.reply_hours.len()));
        self.duration.secs.reserve(n(|b| b.duration.secs.len()));
        self.resolution.secs.reserve(n(|b| b.resolution.secs.len()));
        self.engagement.reserve(n(|b| b.engagement.len()));
    }

    /// Adds the item figures of `o` (everything [`Bucket::add`] counts), not
    /// its per-conversation counts (handled, touched, depth).
    pub fn merge_items(&mut self, o: &Bucket) {
        self.new += o.new;
        for i in 0..CHANNELS {
            self.new_by_channel[i] += o.new_by_channel[i];
        }
        self.first_response.extend_from(&o.first_response);
        self.reply.extend_from(&o.reply);
        self.reply_hours.extend_from_slice(&o.reply_hours);
        self.duration.extend_from(&o.duration);
        self.resolution.extend_from(&o.resolution);
        self.post_transfer.extend_from(&o.post_transfer);
        self.sla_attained += o.sla_attained;
        self.sla_attained_biz += o.sla_attained_biz;
        self.unanswered += o.unanswered;
        self.messages_in += o.messages_in;
        self.messages_out += o.messages_out;
        self.csat_sum += o.csat_sum;
        self.csat_count += o.csat_count;
        self.follow_ups += o.follow_ups;
        self.engagement.extend_from_slice(&o.engagement);
        self.transfers_made += o.transfers_made;
        self.transfers_received += o.transfers_received;
        self.notes += o.notes;
    }

    /// The figures. `handled_base`: channel share over handled conversations
    /// (an agent) instead of new ones. `busy`: the busy hours to use, when they
    /// come from elsewhere (an agent's team); else this group's own.
    pub fn finish(mut self, handled_base: bool, busy: Option<Vec<u8>>, business: bool) -> Metrics {
        let busy = busy.unwrap_or_else(|| busy_hours(&hour_histogram(&self.reply_hours)));
        // The peak-hour samples first: the statistics below reorder the samples.
        let peak = peak_samples(&self.reply.secs, &self.reply_hours, &busy);
        let peak_biz = business.then(|| peak_samples(&self.reply.biz, &self.reply_hours, &busy));
        let reply = stat3(std::mem::take(&mut self.reply.secs));
        let peak = stability(peak, &reply, &busy);
        let fr_count = self.first_response.secs.len() as u64;
        let business = business.then(|| {
            let reply = stat3(std::mem::take(&mut self.reply.biz));
            BusinessMetrics {
                first_response: stat3(std::mem::take(&mut self.first_response.biz)),
                peak_hour_stability: stability(peak_biz.expect("business"), &reply, &busy),
                reply,
                duration: stat2(std::mem::take(&mut self.duration.biz)),
                resolution: stat3(std::mem::take(&mut self.resolution.biz)),
                post_transfer: mean_count(&self.post_transfer.biz),
                sla: sla(self.sla_attained_biz, fr_count),
            }
        });
        let (base, count, by) = if handled_base {
            ("handled", self.handled, &self.handled_by_channel)
        } else {
            ("new", self.new, &self.new_by_channel)
        };
        let shares = (count > 0).then(|| {
            Channel::ALL
                .iter()
                .filter(|c| by[**c as usize] > 0)
                .map(|c| (c.as_str().to_string(), by[*c as usize] as f64 / count as f64))
                .collect::<BTreeMap<_, _>>()
        });
        let engagement = {
            let s = stat3(self.engagement);
            SpanDays {
                mean: s.mean.map(|m| m / 86_400.0),
                median: s.median.map(|m| m as f64 / 86_400.0),
                count: s.count,
            }
        };
        Metrics {
            conversations_handled: self.handled,
            conversations_touched: self.touched,
            new_conversations: self.new,
            first_response: stat3(self.first_response.secs),
            reply,
            duration: stat2(self.duration.secs),
            resolution: stat3(self.resolution.secs),
            channel_share: ChannelShare { base, count, shares },
            unanswered: self.unanswered,
            sla: sla(self.sla_attained, fr_count),
            messages_in: self.messages_in,
            messages_out: self.messages_out,
            csat: MeanCount {
                mean: (self.csat_count > 0).then(|| self.csat_sum as f64 / self.csat_count as f64),
                count: self.csat_count,
            },
            depth: MeanCount {
                mean: (self.depth_count > 0).then(|| self.depth_sum as f64 / self.depth_count as f64),
                count: self.depth_count,
            },
            follow_ups: self.follow_ups,
            engagement_span_days: engagement,
            transfers_made: self.transfers_made,
            transfers_received: self.transfers_received,
            transfer_rate: (self.touched > 0).then(|| self.transfers_made as f64 / self.touched as f64),
            post_transfer: mean_count(&self.post_transfer.secs),
            notes_written: self.notes,
            peak_hour_stability: peak,
            business,
        }
    }
}

fn sla(attained: u64, count: u64) -> Sla {
    Sla { attained, count, share: (count > 0).then(|| attained as f64 / count as f64) }
}

fn mean(v: &[Secs]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64)
}

fn mean_count(v: &[Secs]) -> MeanCount {
    MeanCount { mean: mean(v), count: v.len() as u64 }
}

/// Mean, nearest-rank median and p90, without sorting everything.
pub fn stat3(mut v: Vec<Secs>) -> Stat3 {
    let n = v.len();
    let mean = mean(&v);
    if n == 0 {
        return Stat3 { mean, median: None, p90: None, count: 0 };
    }
    let r90 = (90 * n).div_ceil(100).max(1) - 1;
    let r50 = (50 * n).div_ceil(100).max(1) - 1;
    if n >= RADIX_MIN
        && let Some(both) = radix_select(&v, [r50, r90])
    {
        return Stat3 { mean, median: Some(both[0] as i64), p90: Some(both[1] as i64), count: n as u64 };
    }
    let (left, p90, _) = v.select_nth_unstable(r90);
    let p90 = *p90 as i64;
    let median = if r50 < r90 { *left.select_nth_unstable(r50).1 as i64 } else { p90 };
    Stat3 { mean, median: Some(median), p90: Some(p90), count: n as u64 }
}

/// From this many samples on, counting beats partitioning.
const RADIX_MIN: usize = 50_000;

/// The values at 0-based `ranks` (ascending order): count the samples by
/// their top 16 bits, then select only inside the buckets that hold the ranks.
fn radix_select(v: &[Secs], ranks: [usize; 2]) -> Option<[Secs; 2]> {
    let max = *v.iter().max()?;
    let bits = 32 - max.leading_zeros();
    let shift = bits.saturating_sub(16);
    let mut counts = vec![0usize; 1 << 16];
    for &x in v {
        counts[(x >> shift) as usize] += 1;
    }
    let mut out: [Secs; 2] = [0; 2];
    for (i, &rank) in ranks.iter().enumerate() {
        // The bucket holding `rank`, and how many samples lie below it.
        let (mut below, mut bucket) = (0usize, 0usize);
        while below + counts[bucket] <= rank {
            below += counts[bucket];
            bucket += 1;
        }
        let mut inside: Vec<Secs> = v.iter().copied().filter(|&x| (x >> shift) as usize == bucket).collect();
        out[i] = *inside.select_nth_unstable(rank - below).1;
    }
    Some(out)
}

fn stat2(v: Vec<Secs>) -> Stat2 {
    let s = stat3(v);
    Stat2 { mean: s.mean, median: s.median, count: s.count }
}

pub fn hour_histogram(hours: &[u8]) -> [u64; 24] {
    let mut h = [0u64; 24];
    for &x in hours {
        h[x as usize % 24] += 1;
    }
    h
}

/// The three hours with the most waits, ties to the earlier hour; hours without any are never busy.
pub fn busy_hours(hist: &[u64; 24]) -> Vec<u8> {
    let mut hours: Vec<u8> = (0..24).filter(|&h| hist[h as usize] > 0).collect();
    hours.sort_by(|a, b| hist[*b as usize].cmp(&hist[*a as usize]).then(a.cmp(b)));
    hours.truncate(3);
    hours.sort_unstable();
    hours
}

/// The samples whose wait started in a busy hour.
fn peak_samples(secs: &[Secs], hours: &[u8], busy: &[u8]) -> Vec<Secs> {
    let mut is_busy = [false; 24];
    for &h in busy {
        is_busy[h as usize % 24] = true;
    }
    secs.iter().zip(hours).filter(|(_, h)| is_busy[**h as usize % 24]).map(|(s, _)| *s).collect()
}

fn stability(peak: Vec<Secs>, all: &Stat3, busy: &[u8]) -> PeakHourStability {
    let peak_count = peak.len() as u64;
    let peak_p90 = stat3(peak).p90;
    let ratio = match (peak_p90, all.p90) {
        (Some(p), Some(o)) if o > 0 => Some(p as f64 / o as f64),
        _ => None,
    };
    PeakHourStability { busy_hours: busy.to_vec(), peak_p90, overall_p90: all.p90, ratio, count: all.count, peak_count }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat3_by_selection_matches_nearest_rank() {
        // n = 4: median is rank 2 (lower middle) = 20, p90 rank 4 = 40, mean 25.
        let s = stat3(vec![40, 10, 30, 20]);
        assert_eq!((s.mean, s.median, s.p90, s.count), (Some(25.0), Some(20), Some(40), 4));
        // n = 1: both are the sample.
        let s = stat3(vec![7]);
        assert_eq!((s.median, s.p90), (Some(7), Some(7)));
        // n = 0: null statistics, count 0.
        assert_eq!(stat3(vec![]), Stat3 { mean: None, median: None, p90: None, count: 0 });
        // n = 11: median rank ceil(5.5) = 6 → 6th smallest; p90 rank ceil(9.9) = 10.
        let s = stat3((1..=11).rev().collect());
        assert_eq!((s.median, s.p90), (Some(6), Some(10)));
    }

    #[test]
    fn radix_selection_agrees_with_sorting() {
        // A deterministic spread of 120,001 values with many repeats and a long tail.
        let v: Vec<Secs> = (0..120_001u32).map(|i| (i * 7919 % 1009) * (1 + i % 97) + (i % 3) * 100_000).collect();
        let mut sorted = v.clone();
        sorted.sort_unstable();
        let n = v.len();
        let (r50, r90) = ((50 * n).div_ceil(100) - 1, (90 * n).div_ceil(100) - 1);
        let s = stat3(v);
        assert_eq!((s.median, s.p90), (Some(sorted[r50] as i64), Some(sorted[r90] as i64)));
    }

    #[test]
    fn busy_hours_take_the_top_three_and_ties_go_to_the_earlier_hour() {
        let mut h = [0u64; 24];
        h[9] = 5;
        h[14] = 5;
        h[20] = 5;
        h[10] = 7;
        // 10 has 7; 9, 14 and 20 tie at 5: the earlier two (9, 14) win.
        assert_eq!(busy_hours(&h), vec![9, 10, 14]);
        let mut h = [0u64; 24];
        h[3] = 1;
        assert_eq!(busy_hours(&h), vec![3]);
        assert!(busy_hours(&[0; 24]).is_empty());
    }
}
