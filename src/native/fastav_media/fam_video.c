#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "fam_internal.h"

/* Decoded pictures the caller keeps (by reference, no copy) until it knows whether the frame sampler wants them:
 * at most the sampler's previous frame and the current one, plus slack. */
#define FAM_HELD_SLOTS 4

struct fam_vdec {
    AVCodecContext *ctx;
    AVPacket *pkt;
    AVFrame *frame;
    AVFrame *held[FAM_HELD_SLOTS];
    struct SwsContext *sws;
    int max_width, max_height;
    int has_frame;
};

struct fam_scaler {
    struct SwsContext *sws;
};

/* Same flags as the ffmpeg CLI's auto-inserted scaler, so decoded RGB matches `ffmpeg -f rawvideo`. */
#define FAM_SWS_FLAGS SWS_BICUBIC

static enum AVCodecID video_codec_id(int codec) {
    switch (codec) {
    case FAM_VIDEO_JPEG: return AV_CODEC_ID_MJPEG;
    case FAM_VIDEO_H264: return AV_CODEC_ID_H264;
    case FAM_VIDEO_HEVC: return AV_CODEC_ID_HEVC;
    default: return AV_CODEC_ID_NONE;
    }
}

FAM_API int fam_vdec_open(int codec, int max_width, int max_height, int threads, fam_vdec **out) {
    fam_init_once();
    if (!out) return fam_fail(FAM_EINVAL, "out is null");
    *out = NULL;
    enum AVCodecID id = video_codec_id(codec);
    if (id == AV_CODEC_ID_NONE) return fam_fail(FAM_EUNSUPPORTED, "video codec %d has no FFmpeg decoder", codec);
    if (max_width <= 0 || max_height <= 0 || max_width > 16384 || max_height > 16384)
        return fam_fail(FAM_EINVAL, "max dimensions %dx%d out of range 1..16384", max_width, max_height);
    const AVCodec *c = avcodec_find_decoder(id);
    if (!c) return fam_fail(FAM_EUNSUPPORTED, "this FFmpeg build has no decoder for %s", avcodec_get_name(id));

    fam_vdec *d = calloc(1, sizeof *d);
    if (!d) return fam_fail(FAM_ENOMEM, "out of memory");
    d->max_width = max_width;
    d->max_height = max_height;
    d->ctx = avcodec_alloc_context3(c);
    d->pkt = av_packet_alloc();
    d->frame = av_frame_alloc();
    int held_ok = 1;
    for (int i = 0; i < FAM_HELD_SLOTS; i++) held_ok &= (d->held[i] = av_frame_alloc()) != NULL;
    if (!d->ctx || !d->pkt || !d->frame || !held_ok) {
        fam_vdec_close(d);
        return fam_fail(FAM_ENOMEM, "out of memory");
    }
    /* FFmpeg checks max_pixels when a header announces dimensions, before it allocates a picture. */
    d->ctx->max_pixels = (int64_t)max_width * max_height;
    d->ctx->thread_count = threads < 0 ? 0 : threads;
    int r = avcodec_open2(d->ctx, c, NULL);
    if (r < 0) {
        fam_vdec_close(d);
        return fam_fail_av(r, "avcodec_open2");
    }
    *out = d;
    return FAM_OK;
}

FAM_API int fam_vdec_send(fam_vdec *d, const uint8_t *data, int size, int64_t pts) {
    if (!d) return fam_fail(FAM_EINVAL, "decoder is null");
    if (!data || size <= 0) return fam_fail(FAM_EINVAL, "empty packet");
    av_packet_unref(d->pkt);
    int r = av_new_packet(d->pkt, size); /* copies into a padded, refcounted buffer */
    if (r < 0) return fam_fail_av(r, "av_new_packet");
    memcpy(d->pkt->data, data, (size_t)size);
    d->pkt->pts = pts;
    r = avcodec_send_packet(d->ctx, d->pkt);
    av_packet_unref(d->pkt);
    if (r == AVERROR(EAGAIN)) return FAM_AGAIN;
    if (r < 0) return fam_fail_av(r, "decode");
    return FAM_OK;
}

FAM_API int fam_vdec_set_skip_nonref(fam_vdec *d, int skip) {
    if (!d) return fam_fail(FAM_EINVAL, "decoder is null");
    /* Read when the next packet is submitted (frame threads copy it then), so it can change packet by packet. */
    d->ctx->skip_frame = skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
    return FAM_OK;
}

FAM_API int fam_vdec_flush(fam_vdec *d) {
    if (!d) return fam_fail(FAM_EINVAL, "decoder is null");
    int r = avcodec_send_packet(d->ctx, NULL);
    if (r < 0 && r != AVERROR_EOF) return fam_fail_av(r, "flush");
    return FAM_OK;
}

FAM_API int fam_vdec_receive(fam_vdec *d, int *width, int *height, int64_t *pts, int *flags) {
    if (!d) return fam_fail(FAM_EINVAL, "decoder is null");
    av_frame_unref(d->frame);
    d->has_frame = 0;
    int r = avcodec_receive_frame(d->ctx, d->frame);
    if (r == AVERROR(EAGAIN)) return FAM_AGAIN;
    if (r == AVERROR_EOF) {
        /* Ready for a new stream after a flush: decoder state is per stream, never reused across. */
        avcodec_flush_buffers(d->ctx);
        return FAM_EOF;
    }
    if (r < 0) return fam_fail_av(r, "decode");
    AVFrame *f = d->frame;
    if (f->width <= 0 || f->height <= 0 || f->width > d->max_width || f->height > d->max_height) {
        int w = f->width, h = f->height;
        av_frame_unref(f);
        return fam_fail(FAM_ELIMIT, "frame %dx%d exceeds the limit %dx%d", w, h, d->max_width, d->max_height);
    }
    *width = f->width;
    *height = f->height;
    *pts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    *flags = ((f->flags & AV_FRAME_FLAG_CORRUPT) || f->decode_error_flags ? FAM_FRAME_CORRUPT : 0) |
             (f->key_frame ? FAM_FRAME_KEY : 0);
    d->has_frame = 1;
    return FAM_OK;
}

/* src (fmt, width x height) to packed RGB24 at dst_width x dst_height in one sws_scale. */
static int to_rgb(struct SwsContext **sws, const uint8_t *const src[4], const int src_stride[4],
                  enum AVPixelFormat fmt, int width, int height, int dst_width, int dst_height, uint8_t *dst,
                  int dst_size) {
    if (dst_width <= 0 || dst_height <= 0 || dst_width > 16384 || dst_height > 16384)
        return fam_fail(FAM_EINVAL, "target %dx%d out of range 1..16384", dst_width, dst_height);
    if ((int64_t)dst_width * dst_height * 3 > dst_size)
        return fam_fail(FAM_EINVAL, "destination holds %d bytes, %dx%d RGB24 needs %lld", dst_size, dst_width,
                        dst_height, (long long)dst_width * dst_height * 3);
    *sws = sws_getCachedContext(*sws, width, height, fmt, dst_width, dst_height, AV_PIX_FMT_RGB24, FAM_SWS_FLAGS,
                                NULL, NULL, NULL);
    if (!*sws) return fam_fail(FAM_EUNSUPPORTED, "no conversion from %s to rgb24", av_get_pix_fmt_name(fmt));
    uint8_t *dst_planes[4] = {dst, NULL, NULL, NULL};
    int dst_stride[4] = {dst_width * 3, 0, 0, 0};
    int rows = sws_scale(*sws, src, src_stride, 0, height, dst_planes, dst_stride);
    if (rows != dst_height) return fam_fail(FAM_EINVAL, "conversion produced %d of %d rows", rows, dst_height);
    return FAM_OK;
}

FAM_API int fam_vdec_hold(fam_vdec *d, int *slot) {
    if (!d || !slot) return fam_fail(FAM_EINVAL, "null argument");
    if (!d->has_frame) return fam_fail(FAM_EINVAL, "no decoded frame to hold");
    for (int i = 0; i < FAM_HELD_SLOTS; i++) {
        if (d->held[i]->buf[0] == NULL) {
            av_frame_move_ref(d->held[i], d->frame);
            d->has_frame = 0;
            *slot = i;
            return FAM_OK;
        }
    }
    return fam_fail(FAM_ELIMIT, "all %d held-frame slots are in use", FAM_HELD_SLOTS);
}

FAM_API int fam_vdec_release(fam_vdec *d, int slot) {
    if (!d) return fam_fail(FAM_EINVAL, "decoder is null");
    if (slot < 0 || slot >= FAM_HELD_SLOTS) return fam_fail(FAM_EINVAL, "slot %d out of range", slot);
    av_frame_unref(d->held[slot]);
    return FAM_OK;
}

/* A held picture straight to packed RGB24 at width x height (one sws_scale: colour conversion and resize together). */
FAM_API int fam_vdec_convert(fam_vdec *d, int slot, int width, int height, uint8_t *dst, int dst_size) {
    if (!d || !dst) return fam_fail(FAM_EINVAL, "null argument");
    if (slot < 0 || slot >= FAM_HELD_SLOTS || d->held[slot]->buf[0] == NULL)
        return fam_fail(FAM_EINVAL, "slot %d holds no frame", slot);
    AVFrame *f = d->held[slot];
    return to_rgb(&d->sws, (const uint8_t *const *)f->data, f->linesize, (enum AVPixelFormat)f->format, f->width,
                  f->height, width, height, dst, dst_size);
}

FAM_API int fam_vdec_copy_rgb(fam_vdec *d, uint8_t *dst, int dst_size) {
    if (!d || !dst) return fam_fail(FAM_EINVAL, "null argument");
    if (!d->has_frame) return fam_fail(FAM_EINVAL, "no decoded frame to copy");
    AVFrame *f = d->frame;
    return to_rgb(&d->sws, (const uint8_t *const *)f->data, f->linesize, (enum AVPixelFormat)f->format,
                  f->width, f->height, f->width, f->height, dst, dst_size);
}

FAM_API void fam_vdec_close(fam_vdec *d) {
    if (!d) return;
    avcodec_free_context(&d->ctx);
    av_packet_free(&d->pkt);
    av_frame_free(&d->frame);
    for (int i = 0; i < FAM_HELD_SLOTS; i++) av_frame_free(&d->held[i]);
    sws_freeContext(d->sws);
    free(d);
}

FAM_API int fam_scaler_open(fam_scaler **out) {
    fam_init_once();
    if (!out) return fam_fail(FAM_EINVAL, "out is null");
    *out = calloc(1, sizeof **out);
    return *out ? FAM_OK : fam_fail(FAM_ENOMEM, "out of memory");
}

FAM_API int fam_scaler_convert(fam_scaler *s, int codec, int width, int height, const uint8_t *src, int src_size,
                               int dst_width, int dst_height, uint8_t *dst, int dst_size) {
    if (!s || !src || !dst) return fam_fail(FAM_EINVAL, "null argument");
    enum AVPixelFormat fmt = codec == FAM_VIDEO_RAW_I420    ? AV_PIX_FMT_YUV420P
                             : codec == FAM_VIDEO_NV12      ? AV_PIX_FMT_NV12
                             : codec == FAM_VIDEO_RAW_RGB24 ? AV_PIX_FMT_RGB24
                                                            : AV_PIX_FMT_NONE;
    if (fmt == AV_PIX_FMT_NONE) return fam_fail(FAM_EUNSUPPORTED, "codec %d is not a raw picture format", codec);
    if (av_image_check_size((unsigned)width, (unsigned)height, 0, NULL) < 0) return fam_fail(FAM_ELIMIT, "invalid size %dx%d", width, height);
    int need = av_image_get_buffer_size(fmt, width, height, 1);
    if (need < 0 || src_size != need)
        return fam_fail(FAM_EINVAL, "%s %dx%d needs %d bytes, packet has %d", av_get_pix_fmt_name(fmt), width,
                        height, need, src_size);
    uint8_t *planes[4];
    int strides[4];
    int r = av_image_fill_arrays(planes, strides, src, fmt, width, height, 1);
    if (r < 0) return fam_fail_av(r, "av_image_fill_arrays");
    return to_rgb(&s->sws, (const uint8_t *const *)planes, strides, fmt, width, height, dst_width, dst_height, dst,
                  dst_size);
}

FAM_API int fam_scaler_to_rgb(fam_scaler *s, int codec, int width, int height, const uint8_t *src, int src_size,
                              uint8_t *dst, int dst_size) {
    if (codec != FAM_VIDEO_RAW_I420 && codec != FAM_VIDEO_NV12)
        return fam_fail(FAM_EUNSUPPORTED, "codec %d is not a raw planar format", codec);
    return fam_scaler_convert(s, codec, width, height, src, src_size, width, height, dst, dst_size);
}

FAM_API void fam_scaler_close(fam_scaler *s) {
    if (!s) return;
    sws_freeContext(s->sws);
    free(s);
}
