"""Train FastAV-Tiny on freshly generated synthetic streams, evaluate on a held-out seed, export.

Reproduce (the shipped model): see training/README.md.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fastav_tiny import corpus  # noqa: E402
from fastav_tiny import auxiliary  # noqa: E402
from fastav_tiny.batching import media_tokens  # noqa: E402
from fastav_tiny.packed import build_packed, packed_correct, packed_logits, packed_loss  # noqa: E402
from fastav_tiny.evaluate import evaluate, greedy_answer  # noqa: E402
from fastav_tiny.export import export  # noqa: E402
from fastav_tiny.model import AudioConfig, FastAvTiny, MediaConfig, TextConfig, VisionConfig  # noqa: E402
from fastav_tiny.tokenizer import ByteBpeTokenizer  # noqa: E402
from fastav_tiny.world import StreamConfig, make_stream, stream_rng, training_questions  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=1, help="training stream seed (streams 0, 1, 2, ... of it)")
    p.add_argument("--eval-seed", type=int, default=1001, help="held-out stream seed")
    p.add_argument("--eval-streams", type=int, default=600)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=24, help="streams per step (each with up to 8 questions)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--per-family", type=int, default=2, help="training questions per family per stream (0: the stream's own 8)")
    p.add_argument("--aux-weight", type=float, default=0.5, help="weight of the media-token auxiliary losses (0: off)")
    p.add_argument("--aux-scale", default="frame_xy=10,cell_shape=3",
                   help="per-loss multipliers on top of --aux-weight (name=value,...); position regression is small in scale")
    p.add_argument("--xy-target", choices=("cells", "frame"), default="cells",
                   help="train the object-position probe on the cells the object covers, or on every cell of the frame")
    p.add_argument("--motion-weight", type=float, default=1.0,
                   help="weight of the decoder-side motion probe on later frames' video tokens (0: off)")
    p.add_argument("--vision-hidden", type=int, default=48)
    p.add_argument("--vision-mlp", type=int, default=96)
    p.add_argument("--vision-layers", type=int, default=1)
    p.add_argument("--val-seed", type=int, default=2001, help="seed of the small validation set logged during training")
    p.add_argument("--val-streams", type=int, default=100)
    p.add_argument("--val-every", type=int, default=250)
    p.add_argument("--minutes", type=float, default=0, help="stop (checkpoint, evaluate, export) after this much training time")
    p.add_argument("--device", default="cpu", help="cpu or cuda (batches are built on the CPU, then moved)")
    p.add_argument("--out", default="models/fastav-tiny")
    p.add_argument("--log", default="training/logs/train.log")
    p.add_argument("--checkpoint", default="training/checkpoints/fastav-tiny.pt")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--rewarm", type=int, default=0, help="after --resume, ramp the LR up again over this many steps")
    p.add_argument("--stop-at", type=int, default=0, help="stop (checkpoint, evaluate, export) at this step; schedule unchanged")
    p.add_argument("--eval-only", action="store_true", help="evaluate --checkpoint and export, no training")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    # Debian's torch 1.13 oneDNN convolution backward gave run-to-run different, sometimes huge or
    # infinite weight gradients for the audio convs (same weights, same batch); the native path is exact.
    torch.backends.mkldnn.enabled = False
    torch.manual_seed(args.seed)
    os.makedirs(os.path.dirname(args.log), exist_ok=True)
    os.makedirs(os.path.dirname(args.checkpoint), exist_ok=True)
    log = open(args.log, "a")

    def say(msg: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    tok = ByteBpeTokenizer.train(corpus.texts())
    scfg = StreamConfig()
    aux_scale = {k: float(v) for k, v in (kv.split("=") for kv in args.aux_scale.split(",") if kv)}
    vcfg = VisionConfig(hidden_size=args.vision_hidden, intermediate_size=args.vision_mlp, num_hidden_layers=args.vision_layers)
    model = FastAvTiny(vcfg, AudioConfig(), TextConfig(vocab_size=len(tok.vocab)), MediaConfig())
    model.to(args.device)
    heads = auxiliary.AuxHeads(model.tc.hidden_size, args.xy_target == "cells").to(args.device)  # training only, never exported
    motion_head = auxiliary.MotionHead(model.tc.hidden_size).to(args.device)  # training only, never exported
    n_params = sum(p.numel() for p in model.parameters())
    say(f"args {vars(args)}")
    say(f"vocab {len(tok.vocab)} params {n_params} ({n_params * 4 / 2**20:.2f} MiB f32)")
    params = [p for p in list(model.parameters()) + list(heads.parameters()) if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    # own optimiser: a run resumed from a checkpoint made before the probe existed starts it fresh
    motion_opt = torch.optim.AdamW(motion_head.parameters(), lr=args.lr, betas=(0.9, 0.98), weight_decay=0.0)
    step = 0
    if (args.resume or args.eval_only) and os.path.exists(args.checkpoint):
        ck = torch.load(args.checkpoint, map_location=args.device)
        model.load_state_dict(ck["model"])
        heads.load_state_dict(ck["heads"])
        if "motion_head" in ck:
            motion_head.load_state_dict(ck["motion_head"])
            motion_opt.load_state_dict(ck["motion_opt"])
        opt.load_state_dict(ck["opt"])
        step = ck["step"]
        say(f"resumed at step {step}")

    t0 = time.time()
    run_loss, run_acc, start_step = 0.0, 0.0, step
    last = min(args.steps, args.stop_at) if args.stop_at else args.steps
    skipped = 0
    while step < last and not args.eval_only:
        model.train()
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / args.steps)))
        if args.rewarm:
            lr *= min(1.0, (step - start_step + 1) / args.rewarm)
        for g in opt.param_groups + motion_opt.param_groups:
            g["lr"] = lr
        streams = [make_stream(args.seed, step * args.batch + i, scfg) for i in range(args.batch)]
        if args.per_family:
            qs = [training_questions(s, stream_rng(s.seed, s.index + (1 << 40)), args.per_family) for s in streams]
        else:
            qs = [s.questions for s in streams]
        batch = build_packed(streams, qs, tok, model.mc).to(args.device)
        media = media_tokens(model, batch)
        media_hidden: list = []
        logits = packed_logits(model, batch, tok, media, media_hidden if args.motion_weight else None)
        answer_loss = packed_loss(logits, batch)
        loss = answer_loss
        aux: dict[str, torch.Tensor] = {}
        if args.aux_weight:
            aux = heads.losses(*media, auxiliary.targets(streams).to(args.device))
            loss = loss + args.aux_weight * sum(aux_scale.get(k, 1.0) * v for k, v in aux.items())
        if args.motion_weight:
            aux["motion"] = motion_head.loss(media_hidden[0], batch.media_ids, tok.special_ids["<|video|>"],
                                             model.mc.frames_per_window, model.mc.tokens_per_frame,
                                             auxiliary.motion_targets(streams).to(args.device))
            loss = loss + args.motion_weight * aux["motion"]
        opt.zero_grad(set_to_none=True)
        motion_opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params + list(motion_head.parameters()), 1.0)
        step += 1
        if not (math.isfinite(loss.item()) and math.isfinite(float(norm))):
            skipped += 1  # a non-finite step would poison the weights: drop it
            say(f"step {step} skipped: loss {loss.item()} grad norm {float(norm)}")
            continue
        opt.step()
        motion_opt.step()
        res = packed_correct(logits.detach(), batch)
        first = step == start_step + 1  # running averages start at this run's first step
        run_loss = answer_loss.item() if first else 0.98 * run_loss + 0.02 * answer_loss.item()
        if aux:
            aux_v = {k: v.item() for k, v in aux.items()}
            run_aux = aux_v if first else {k: 0.98 * run_aux[k] + 0.02 * v for k, v in aux_v.items()}
        acc = sum(ok for _, ok in res) / len(res)
        run_acc = acc if first else 0.98 * run_acc + 0.02 * acc
        if step % 25 == 0 or step == last:
            aux_s = " aux " + " ".join(f"{k} {v:.3f}" for k, v in run_aux.items()) if aux else ""
            say(f"step {step} loss {run_loss:.4f} acc {run_acc:.3f} lr {lr:.2e} elapsed {time.time() - t0:.0f}s{aux_s}")
        out_of_time = args.minutes and time.time() - t0 > args.minutes * 60
        if step % 250 == 0 or step == last or out_of_time:
            torch.save({"model": model.state_dict(), "heads": heads.state_dict(), "opt": opt.state_dict(), "step": step,
                        "motion_head": motion_head.state_dict(), "motion_opt": motion_opt.state_dict()},
                       args.checkpoint)
        if step % args.val_every == 0:
            val = evaluate(model, tok, args.val_seed, args.val_streams, scfg, device=args.device)
            say(f"step {step} val {val['accuracy']:.3f} " + " ".join(f"{f} {r['accuracy']:.2f}" for f, r in val["families"].items()))
        if out_of_time:
            say(f"stopping at step {step}: --minutes {args.minutes} reached")
            break
    train_s = time.time() - t0

    result = evaluate(model, tok, args.eval_seed, args.eval_streams, scfg, device=args.device)
    model.cpu()
    say("held-out " + json.dumps(result))
    # the packed evaluation equals plain greedy decoding: check on the first streams
    agree = total = 0
    for i in range(8):
        s = make_stream(args.eval_seed, i, scfg)
        for q in s.questions:
            agree += greedy_answer(model, tok, s, q) == q.answer
            total += 1
    say(f"plain greedy decoding on {total} held-out questions: {agree / total:.3f} correct")
    result["greedy_check"] = {"questions": total, "accuracy": agree / total}
    result["train"] = {"steps": step, "skipped_steps_this_run": skipped, "batch_streams": args.batch, "seed": args.seed, "seconds_this_run": round(train_s),
                       "params": n_params}
    export(model, tok, scfg, args.out, {"train_seed": args.seed, "steps": step})
    with open(os.path.join(os.path.dirname(args.log), "heldout.json"), "w") as f:
        json.dump(result, f, indent=2)
    say(f"exported to {args.out}")


if __name__ == "__main__":
    main()
