// Connection quality of an interview from RTCPeerConnection.getStats(), and when to
// step down from video to audio to text. Pure functions over plain objects, so the
// thresholds can be read (and tested) apart from WebRTC.
//
//   const sample = await sampleStats(pc);          // { at, rtt, packetsReceived, … }
//   const quality = assess(previous, sample);      // { level, rtt, loss, fps, … }
//   ladder = nextRung(ladder, quality);            // 'video' → 'audio' → 'text'
//
// Levels: "good", "fair", "poor", and "none" (nothing flows: no packets in the interval).
// Thresholds follow what people notice in a call: over 300 ms round trip the talk gets
// awkward, over 5 % loss video smears, over 15 % speech breaks up.

export const LEVELS = ['good', 'fair', 'poor', 'none'];

const FAIR_RTT_S = 0.3;
const POOR_RTT_S = 0.8;
const FAIR_LOSS = 0.02;
const POOR_LOSS = 0.08;
const FAIR_FPS = 12;
const POOR_FPS = 5;
// Below this outgoing estimate, sending video only starves the audio.
const VIDEO_MIN_BPS = 150_000;
// How many poor samples in a row before stepping down (a sample every 2 s).
export const STEP_DOWN_AFTER = 4;

/**
 * One sample of the counters that matter, summed over every inbound stream.
 * @param {RTCPeerConnection} pc
 */
export async function sampleStats(pc) {
  const sample = {
    at: performance.now() / 1000,
    rtt: null,
    outgoingBps: null,
    packetsReceived: 0,
    packetsLost: 0,
    framesDecoded: 0,
    bytesReceived: 0,
    videoInbound: false,
    videoOutbound: false,
    localCandidateType: null,
  };
  // Which way video flows now, by the negotiated directions: a stream stopped by a step
  // down keeps its rtp entries in the stats (a frame rate of 0 there is no news).
  const video = pc
    .getTransceivers()
    .filter((t) => !t.stopped && t.receiver.track?.kind === 'video');
  const receiving = video.some((t) => /^(sendrecv|recvonly)$/.test(t.currentDirection ?? ''));
  sample.videoOutbound = video.some(
    (t) => t.sender.track && /^(sendrecv|sendonly)$/.test(t.currentDirection ?? ''),
  );
  const report = await pc.getStats();
  let pairLocal = null;
  for (const entry of report.values()) {
    if (entry.type === 'inbound-rtp') {
      sample.packetsReceived += entry.packetsReceived ?? 0;
      sample.packetsLost += Math.max(0, entry.packetsLost ?? 0);
      sample.bytesReceived += entry.bytesReceived ?? 0;
      if (entry.kind === 'video' && receiving) {
        sample.videoInbound = true;
        sample.framesDecoded += entry.framesDecoded ?? 0;
      }
    } else if (entry.type === 'candidate-pair' && entry.nominated && entry.state === 'succeeded') {
      if (typeof entry.currentRoundTripTime === 'number') sample.rtt = entry.currentRoundTripTime;
      if (typeof entry.availableOutgoingBitrate === 'number') {
        sample.outgoingBps = entry.availableOutgoingBitrate;
      }
      pairLocal = entry.localCandidateId;
    }
  }
  if (pairLocal && report.get(pairLocal)) {
    sample.localCandidateType = report.get(pairLocal).candidateType ?? null;
  }
  return sample;
}

/**
 * The quality over the interval between two samples (`previous` may be null: the
 * first sample only has the round trip to go by).
 */
export function assess(previous, sample) {
  const quality = {
    level: 'good',
    rtt: sample.rtt,
    loss: null,
    fps: null,
    outgoingBps: sample.outgoingBps,
    sendsVideo: Boolean(sample.videoOutbound),
    relayed: sample.localCandidateType === 'relay',
  };
  if (previous) {
    const seconds = Math.max(0.001, sample.at - previous.at);
    const received = sample.packetsReceived - previous.packetsReceived;
    const lost = sample.packetsLost - previous.packetsLost;
    if (received <= 0 && lost <= 0) return { ...quality, level: 'none' };
    quality.loss = lost > 0 ? lost / (received + lost) : 0;
    if (sample.videoInbound && previous.videoInbound) {
      quality.fps = (sample.framesDecoded - previous.framesDecoded) / seconds;
    }
  }
  const rtt = quality.rtt ?? 0;
  const loss = quality.loss ?? 0;
  const poor =
    rtt >= POOR_RTT_S || loss >= POOR_LOSS || (quality.fps !== null && quality.fps < POOR_FPS);
  const fair =
    rtt >= FAIR_RTT_S || loss >= FAIR_LOSS || (quality.fps !== null && quality.fps < FAIR_FPS);
  quality.level = poor ? 'poor' : fair ? 'fair' : 'good';
  return quality;
}

/**
 * Whether the network is too weak to keep video. Only network signals count: a low frame
 * rate may be the sender's camera or CPU, and "none" may be a side that sends nothing.
 * The outgoing estimate counts only while we send video: with audio alone going out
 * (joined with audio or text only) the estimate stays low and says nothing of the network.
 */
export function tooWeakForVideo(quality) {
  if ((quality.rtt ?? 0) >= POOR_RTT_S || (quality.loss ?? 0) >= POOR_LOSS) return true;
  const starved = quality.outgoingBps !== null && quality.outgoingBps < VIDEO_MIN_BPS;
  return Boolean(quality.sendsVideo) && starved;
}

/** Whether this quality is too weak even for audio. */
export function tooWeakForAudio(quality) {
  return (quality.loss ?? 0) >= 2 * POOR_LOSS || (quality.rtt ?? 0) >= 2 * POOR_RTT_S;
}

/**
 * The automatic fallback: after STEP_DOWN_AFTER weak samples in a row, video steps
 * down to audio, audio to text. Never steps back up by itself (a person chooses to
 * turn the camera on again). `state` is { rung, weak }.
 */
export function nextRung(state, quality) {
  const weak =
    (state.rung === 'video' && tooWeakForVideo(quality)) ||
    (state.rung === 'audio' && tooWeakForAudio(quality));
  const count = weak ? state.weak + 1 : 0;
  if (count < STEP_DOWN_AFTER) return { rung: state.rung, weak: count };
  const rung = state.rung === 'video' ? 'audio' : 'text';
  return { rung, weak: 0 };
}
