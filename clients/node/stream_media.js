#!/usr/bin/env node
// Streams a real media file or URL into FastAV.Live's LiveAnalytics.Stream on @grpc/grpc-js, through the ffmpeg CLI.
//
// Any input the ffmpeg CLI opens (mp4, mkv, ts, an http:// or rtsp:// URL, ...) is decoded by two ffmpeg processes:
// one writes raw RGB24 frames at --fps, scaled to --width (aspect kept), the other 16 kHz mono s16le PCM in 100 ms
// chunks. Frames and chunks go out in pts order as VideoFrame (RAW_RGB24) and AudioChunk (PCM_S16LE), with the
// call's flow control pausing ffmpeg when the server is slower; ffprobe says which tracks the input has. Standing
// questions (--standing, every --every seconds of media) are registered at open, ad-hoc ones (--question) asked after
// the media. Answers print as they arrive; --json prints one JSON object at the end instead.
//
// Usage: node stream_media.js SOURCE [--target 127.0.0.1:50051] [--stream-id ID] [--standing TEXT]... [--every S]
//                            [--question TEXT]... [--realtime] [--fps 2] [--width 320] [--max-seconds S] [--json]
'use strict';

const { spawn, execFileSync } = require('child_process');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const SAMPLE_RATE = 16000;
const CHUNK_BYTES = (SAMPLE_RATE / 10) * 2; // 100 ms of s16le mono

function args() {
  const a = { target: '127.0.0.1:50051', 'stream-id': 'node-media', standing: [], question: [], every: 5, fps: 2, width: 320 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith('--')) {
      if (a.source !== undefined) throw new Error(`unexpected argument ${flag}`);
      a.source = flag;
    } else if (flag === '--realtime' || flag === '--json') {
      a[flag.slice(2)] = true;
    } else if (flag === '--standing' || flag === '--question') {
      a[flag.slice(2)].push(argv[++i]);
    } else if (['--target', '--stream-id', '--every', '--fps', '--width', '--max-seconds'].includes(flag)) {
      a[flag.slice(2)] = argv[++i];
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  }
  if (a.source === undefined) throw new Error('usage: node stream_media.js SOURCE [--target HOST:PORT] [--standing TEXT]... (see the header)');
  for (const k of ['every', 'fps', 'width']) a[k] = Number(a[k]);
  return a;
}

// [width, height] of the first video stream (or null) and whether there is audio.
function probe(source) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height', '-of', 'json', source], { encoding: 'utf8' });
  const streams = JSON.parse(out).streams || [];
  const v = streams.find((s) => s.codec_type === 'video' && s.width);
  return { size: v ? [v.width, v.height] : null, audio: streams.some((s) => s.codec_type === 'audio') };
}

// One ffmpeg process whose stdout is cut into records of `bytes` (the last one may be short); `changed` runs on news.
function decoder(a, output, bytes, changed) {
  const cmd = ['-nostdin', '-hide_banner', '-loglevel', 'error', ...(a.realtime ? ['-re'] : []), '-i', a.source,
    ...(a['max-seconds'] ? ['-t', String(a['max-seconds'])] : []), ...output, '-'];
  const proc = spawn('ffmpeg', cmd, { stdio: ['ignore', 'pipe', 'inherit'] });
  const d = { proc, records: [], pending: Buffer.alloc(0), ended: false };
  proc.stdout.on('data', (data) => {
    d.pending = Buffer.concat([d.pending, data]);
    while (d.pending.length >= bytes) {
      d.records.push(d.pending.subarray(0, bytes));
      d.pending = d.pending.subarray(bytes);
    }
    if (d.records.length > 16) proc.stdout.pause(); // bounded: resume when the merge has taken them
    changed();
  });
  proc.stdout.on('end', () => {
    if (d.pending.length > 0) d.records.push(d.pending);
    d.ended = true;
    changed();
  });
  return d;
}

function main() {
  const a = args();
  const { size: source, audio: hasAudio } = probe(a.source);
  const size = source ? [a.width - (a.width % 2), Math.max(2, Math.round((a.width * source[1]) / source[0] / 2) * 2)] : null;
  if (!size && !hasAudio) throw new Error(`${a.source} has neither video nor audio`);

  const protos = path.join(__dirname, '..', '..', 'protos');
  const def = protoLoader.loadSync('fastav/live/v1/live.proto', { includeDirs: [protos], keepCase: true, longs: Number, enums: String, defaults: true });
  const live = grpc.loadPackageDefinition(def).fastav.live.v1;
  const client = new live.LiveAnalytics(a.target, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('x-fastav-stream-id', a['stream-id']); // for routers that hash on it
  const call = client.Stream(metadata);
  const result = { status: 0, details: '', answers: [], warnings: [], stats: null, accepted: null };
  const decoders = [];
  const say = (line) => { if (!a.json) process.stdout.write(line + '\n'); };

  call.on('data', (r) => {
    if (r.accepted) {
      result.accepted = { model: r.accepted.model, model_loaded: r.accepted.model_loaded, domain: r.accepted.model_domain ? r.accepted.model_domain.description : '' };
      say(`accepted: model ${r.accepted.model || '(none)'}; ${result.accepted.domain || 'no domain described'}`);
    } else if (r.answer) {
      const x = r.answer;
      const failure = x.failure ? x.failure.message : '';
      result.answers.push({ question_id: x.question_id, text: x.text, span: [x.span.start_pts_us, x.span.end_pts_us],
        stream_span: x.stream_span ? [x.stream_span.start_pts_us, x.stream_span.end_pts_us] : null,
        latency_us: x.latency_us, confidence: x.confidence, uncertain: x.uncertain, failure });
      const what = failure ? `FAILED ${failure}` : `${JSON.stringify(x.text)} (confidence ${x.confidence.toFixed(2)}${x.uncertain ? ', uncertain' : ''})`;
      say(`[${(x.span.start_pts_us / 1e6).toFixed(1)}-${(x.span.end_pts_us / 1e6).toFixed(1)} s] ${x.question_id}: ${what}, ${(x.latency_us / 1000).toFixed(0)} ms`);
    } else if (r.warning) {
      result.warnings.push({ code: r.warning.code, message: r.warning.message });
      say(`warning ${r.warning.code}: ${r.warning.message}`);
    } else if (r.stats && r.stats.final) {
      const s = r.stats;
      result.stats = { video_frames_accepted: s.video_frames_accepted, audio_chunks_accepted: s.audio_chunks_accepted,
        windows_prefilled: s.windows_prefilled, windows_dropped: s.windows_dropped, media_duration_us: s.media_duration_us,
        rejected: s.video_frames_rejected + s.audio_chunks_rejected };
      say(`stats: ${s.video_frames_accepted} frames, ${s.audio_chunks_accepted} audio chunks, ${s.windows_prefilled} windows prefilled, ${s.windows_dropped} dropped`);
    }
  });
  let done = false;
  const finish = (code, details) => {
    if (done) return;
    done = true;
    result.status = code;
    result.details = details;
    if (a.json) process.stdout.write(JSON.stringify(result) + '\n');
    else if (code !== 0) process.stderr.write(`stream ended: ${code}: ${details}\n`);
    for (const d of decoders) d.proc.kill();
    client.close();
    process.exitCode = code === 0 ? 0 : 1;
  };
  call.on('error', (e) => finish(e.code, e.details));
  call.on('status', (s) => { if (s.code === grpc.status.OK) finish(0, s.details); });

  const open = { stream_id: a['stream-id'], standing_questions: a.standing.map((text, k) => ({ question_id: `q${k + 1}`, text, interval_ms: Math.round(a.every * 1000) })) };
  if (size) open.video = { codec: 'VIDEO_CODEC_RAW_RGB24', width: size[0], height: size[1], frame_rate: a.fps };
  if (hasAudio) open.audio = { codec: 'AUDIO_CODEC_PCM_S16LE', sample_rate_hz: SAMPLE_RATE, channels: 1 };
  call.write({ open });

  const frameBytes = size ? size[0] * size[1] * 3 : 0;
  const video = size ? decoder(a, ['-an', '-vf', `fps=${a.fps},scale=${size[0]}:${size[1]}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo'], frameBytes, () => pump()) : null;
  const audio = hasAudio ? decoder(a, ['-vn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le'], CHUNK_BYTES, () => pump()) : null;
  decoders.push(...[video, audio].filter(Boolean));
  let frames = 0;
  let samples = 0;
  let draining = false;
  let ended = false;

  // Sends whatever is ready in pts order: a record goes once the other track has one too (or has ended). Runs on every
  // record, end of a pipe and 'drain' of the call.
  function pump() {
    if (draining || ended) return;
    for (;;) {
      const v = video && video.records.length > 0 && video.records[0].length === frameBytes ? video.records[0] : null;
      const c = audio && audio.records.length > 0 ? audio.records[0] : null;
      const videoWaits = video && !v && !video.ended;
      const audioWaits = audio && !c && !audio.ended;
      const framePts = Math.floor((frames * 1e6) / a.fps);
      const chunkPts = Math.floor((samples * 1e6) / SAMPLE_RATE);
      let ok;
      if (v && (!c ? !audioWaits : framePts <= chunkPts)) {
        video.records.shift();
        frames++;
        ok = call.write({ video: { pts_us: framePts, data: v, keyframe: true } });
      } else if (c && (!v ? !videoWaits : chunkPts < framePts)) {
        audio.records.shift();
        const usable = c.length - (c.length % 2);
        samples += usable / 2;
        ok = usable === 0 || call.write({ audio: { pts_us: chunkPts, data: c.subarray(0, usable) } });
      } else {
        break;
      }
      if (!ok) {
        draining = true;
        call.once('drain', () => { draining = false; pump(); });
        return;
      }
    }
    for (const d of decoders) if (d.records.length <= 16 && !d.ended) d.proc.stdout.resume();
    const over = decoders.every((d) => d.ended && d.records.filter((r) => d !== video || r.length === frameBytes).length === 0);
    if (over) {
      ended = true;
      a.question.forEach((text, k) => call.write({ question: { question_id: `ask${k + 1}`, text } }));
      call.end();
    }
  }
}

main();
