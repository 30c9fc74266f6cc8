#!/usr/bin/env node
// Streams one clip of a clips file (tests/reference/tiny_clips.py) into FastAV.Live's LiveAnalytics.Stream on
// @grpc/grpc-js: RAW RGB24 frames and f32 PCM per window, every question of the clip as a standing question whose
// first firing follows its window. Prints one JSON object: {status, details, answers: {question_id: text}, windows}.
//
// Usage: node stream_clip.js --target 127.0.0.1:N --clips FILE --index I [--stream-id ID] [--policy NAME]
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    out[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
  }
  for (const k of ['target', 'clips', 'index']) if (out[k] === undefined) throw new Error(`--${k} is required`);
  return out;
}

function main() {
  const a = args();
  const protos = path.join(__dirname, '..', '..', 'protos');
  const def = protoLoader.loadSync('fastav/live/v1/live.proto', { includeDirs: [protos], keepCase: true, longs: Number, enums: String, defaults: true });
  const live = grpc.loadPackageDefinition(def).fastav.live.v1;
  const client = new live.LiveAnalytics(a.target, grpc.credentials.createInsecure());
  const clip = JSON.parse(fs.readFileSync(a.clips, 'utf8')).streams[Number(a.index)];
  const frames = Buffer.from(clip.frames, 'base64');
  const audio = Buffer.from(clip.audio, 'base64');
  const frameBytes = clip.height * clip.width * 3;
  const answers = {};
  const streamId = a['stream-id'] || `node-clip-${clip.index}`;
  const metadata = new grpc.Metadata();
  metadata.set('x-fastav-stream-id', streamId); // for routers that hash on it
  const call = client.Stream(metadata, { deadline: Date.now() + 90000 });
  let windows = 0;
  call.on('data', (r) => {
    if (r.answer && !(r.answer.question_id in answers)) answers[r.answer.question_id] = r.answer.text;
    if (r.stats && r.stats.final) windows = Number(r.stats.windows_prefilled);
  });
  call.on('error', (e) => finish(e.code, e.details));
  call.on('status', (s) => { if (s.code === grpc.status.OK) finish(0, s.details); });
  let done = false;
  function finish(code, details) {
    if (done) return;
    done = true;
    process.stdout.write(JSON.stringify({ status: code, details, answers, windows }) + '\n');
    client.close();
  }

  call.write({
    open: {
      stream_id: streamId,
      pruning: { policy: a.policy || 'PRUNING_POLICY_NONE' },
      video: { codec: 'VIDEO_CODEC_RAW_RGB24', width: clip.width, height: clip.height, frame_rate: 2 },
      audio: { codec: 'AUDIO_CODEC_PCM_F32LE', sample_rate_hz: 16000, channels: 1 },
      standing_questions: clip.questions.map((q) => ({ question_id: q.id, text: q.text, interval_ms: (q.window + 1) * 1000, max_tokens: 8 })),
    },
  });
  for (let w = 0; w < clip.windows; w++) {
    for (let f = 0; f < clip.frames_per_window; f++) {
      const at = (w * clip.frames_per_window + f) * frameBytes;
      call.write({ video: { pts_us: w * 1000000 + f * (1000000 / clip.frames_per_window), data: frames.subarray(at, at + frameBytes) } });
    }
    call.write({ audio: { pts_us: w * 1000000, data: audio.subarray(w * 64000, (w + 1) * 64000) } });
  }
  call.end();
}

main();
