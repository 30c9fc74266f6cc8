/*
 * libFuzzer harness over fastav_media's decode entry points (scripts/fuzz-media.sh builds and runs it).
 *
 * One input = one stream as a client sends it:
 *   byte 0      target: 0 H.264, 1 HEVC, 2 JPEG, 3 raw I420, 4 raw NV12, 5 raw RGB24,
 *               6 PCM s16le, 7 PCM f32le, 8 AAC ADTS, 9 Opus (others wrap around)
 *   byte 1      options: bit 0 skip non-reference pictures, bit 1 hold+convert instead of copying,
 *               bits 2-3 audio channels - 1 (1..4), bits 4-5 audio rate (8, 16, 44.1, 48 kHz)
 *   then        packets: a 16-bit little-endian length and that many bytes, until the input ends
 *               (raw pictures start with their 16-bit width and height).
 * Each packet goes through the decoder as the server's media path would drive it, every frame is converted, the
 * decoder is flushed and closed. Errors are expected (negative codes); crashes, leaks and memory errors are not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../fastav_media.h"

#define MAX_SIDE 1024 /* larger pictures are refused by the decoder's limit, as the server's are */

static void drain_video(fam_vdec *d, int hold) {
    int w, h, flags;
    int64_t pts;
    while (fam_vdec_receive(d, &w, &h, &pts, &flags) == FAM_OK) {
        if (hold) {
            int slot;
            if (fam_vdec_hold(d, &slot) == FAM_OK) {
                uint8_t small[24 * 16 * 3];
                fam_vdec_convert(d, slot, 24, 16, small, sizeof small);
                fam_vdec_release(d, slot);
            }
        } else {
            size_t need = (size_t)w * h * 3;
            uint8_t *rgb = malloc(need);
            if (rgb) {
                fam_vdec_copy_rgb(d, rgb, (int)need);
                free(rgb);
            }
        }
    }
}

static void drain_audio(fam_adec *d) {
    float out[4096];
    while (fam_adec_available(d) > 0 && fam_adec_read(d, out, 4096) > 0) {
    }
}

/* Next packet: its bytes and size; 0 when the input is used up. */
static int next_packet(const uint8_t **cur, const uint8_t *end, const uint8_t **data, int *size) {
    if (end - *cur < 2) return 0;
    int n = (*cur)[0] | ((*cur)[1] << 8);
    *cur += 2;
    if (n > end - *cur) n = (int)(end - *cur);
    *data = *cur;
    *size = n;
    *cur += n;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t length) {
    if (length < 2) return 0;
    int target = input[0] % 10, options = input[1];
    const uint8_t *cur = input + 2, *end = input + length, *data;
    int size;
    int64_t pts = 0;
    if (target <= 2) {
        static const int codecs[] = {FAM_VIDEO_H264, FAM_VIDEO_HEVC, FAM_VIDEO_JPEG};
        fam_vdec *d = NULL;
        if (fam_vdec_open(codecs[target], MAX_SIDE, MAX_SIDE, 1, &d) != FAM_OK) return 0;
        fam_vdec_set_skip_nonref(d, options & 1);
        while (next_packet(&cur, end, &data, &size)) {
            fam_vdec_send(d, data, size, pts += 40000);
            drain_video(d, options & 2);
        }
        fam_vdec_flush(d);
        drain_video(d, options & 2);
        fam_vdec_close(d);
    } else if (target <= 5) {
        static const int codecs[] = {FAM_VIDEO_RAW_I420, FAM_VIDEO_NV12, FAM_VIDEO_RAW_RGB24};
        fam_scaler *s = NULL;
        if (fam_scaler_open(&s) != FAM_OK) return 0;
        while (next_packet(&cur, end, &data, &size)) {
            if (size < 4) continue;
            int w = data[0] | (data[1] << 8), h = data[2] | (data[3] << 8);
            if (w > MAX_SIDE || h > MAX_SIDE) continue;
            uint8_t small[32 * 32 * 3];
            fam_scaler_convert(s, codecs[target - 3], w, h, data + 4, size - 4, 32, 32, small, sizeof small);
            if (target != 5 && (size_t)w * h <= 256 * 256) {
                uint8_t *rgb = malloc((size_t)w * h * 3 + 1);
                if (rgb) {
                    fam_scaler_to_rgb(s, codecs[target - 3], w, h, data + 4, size - 4, rgb, w * h * 3);
                    free(rgb);
                }
            }
        }
        fam_scaler_close(s);
    } else {
        static const int codecs[] = {FAM_AUDIO_PCM_S16LE, FAM_AUDIO_PCM_F32LE, FAM_AUDIO_AAC, FAM_AUDIO_OPUS};
        static const int rates[] = {8000, 16000, 44100, 48000};
        int channels = ((options >> 2) & 3) + 1, rate = rates[(options >> 4) & 3];
        fam_adec *d = NULL;
        if (fam_adec_open(codecs[target - 6], rate, channels, 16000, 16000 * 8, &d) != FAM_OK) return 0;
        while (next_packet(&cur, end, &data, &size)) {
            int corrupt = 0;
            fam_adec_send(d, data, size, &corrupt);
            drain_audio(d);
        }
        fam_adec_flush(d);
        drain_audio(d);
        fam_adec_close(d);
    }
    return 0;
}
