#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>

#include "fam_internal.h"

/* One decoder per stream: codec state, a resampler to mono float at out_rate, and a bounded FIFO. */
struct fam_adec {
    int codec;
    AVCodecContext *ctx;          /* AAC, OPUS */
    AVCodecParserContext *parser; /* AAC: splits ADTS frames */
    AVPacket *pkt;
    AVFrame *frame;
    SwrContext *swr;
    int swr_rate, swr_format;
    AVChannelLayout swr_layout;
    int pcm_rate, pcm_channels;
    int out_rate;
    float *fifo;
    int fifo_count, fifo_capacity, max_buffered;
    uint8_t *padded; /* AAC: the chunk with FFmpeg's input padding, as av_parser_parse2 requires */
    int padded_capacity;
};

static int configure_swr(fam_adec *d, const AVChannelLayout *layout, enum AVSampleFormat fmt, int rate);

static int fifo_reserve(fam_adec *d, int extra) {
    int need = d->fifo_count + extra;
    if (need > d->max_buffered)
        return fam_fail(FAM_ELIMIT, "decoded audio exceeds the buffer of %d samples; read it more often",
                        d->max_buffered);
    if (need <= d->fifo_capacity) return FAM_OK;
    int cap = d->fifo_capacity ? d->fifo_capacity : 4096;
    while (cap < need) cap *= 2;
    if (cap > d->max_buffered) cap = d->max_buffered;
    float *p = realloc(d->fifo, (size_t)cap * sizeof(float));
    if (!p) return fam_fail(FAM_ENOMEM, "out of memory");
    d->fifo = p;
    d->fifo_capacity = cap;
    return FAM_OK;
}

/* Resamples n input samples (NULL, 0 drains the resampler) into the FIFO. */
static int resample(fam_adec *d, const uint8_t **in, int n) {
    int room = swr_get_out_samples(d->swr, n);
    if (room < 0) return fam_fail_av(room, "swr_get_out_samples");
    if (room == 0) return FAM_OK;
    int r = fifo_reserve(d, room);
    if (r < 0) return r;
    uint8_t *out = (uint8_t *)(d->fifo + d->fifo_count);
    int got = swr_convert(d->swr, &out, room, in, n);
    if (got < 0) return fam_fail_av(got, "swr_convert");
    /* Hostile float input can carry NaN/Inf; they must not poison the model's input. */
    for (int i = d->fifo_count; i < d->fifo_count + got; i++)
        if (!isfinite(d->fifo[i])) d->fifo[i] = 0.0f;
    d->fifo_count += got;
    return FAM_OK;
}

static int configure_swr(fam_adec *d, const AVChannelLayout *layout, enum AVSampleFormat fmt, int rate) {
    if (d->swr && d->swr_rate == rate && d->swr_format == (int)fmt &&
        av_channel_layout_compare(&d->swr_layout, layout) == 0)
        return FAM_OK;
    if (layout->nb_channels < 1 || layout->nb_channels > 8)
        return fam_fail(FAM_EUNSUPPORTED, "%d channels (supported: 1..8)", layout->nb_channels);
    if (rate < 1000 || rate > 384000) return fam_fail(FAM_EUNSUPPORTED, "sample rate %d Hz", rate);
    if (d->swr) { /* format changed mid-stream: keep what the old resampler still holds */
        int r = resample(d, NULL, 0);
        if (r < 0) return r;
        swr_free(&d->swr);
    }
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    int r = swr_alloc_set_opts2(&d->swr, &mono, AV_SAMPLE_FMT_FLT, d->out_rate, (AVChannelLayout *)layout, fmt, rate, 0, NULL);
    if (r < 0) return fam_fail_av(r, "swr_alloc_set_opts2");
    r = swr_init(d->swr);
    if (r < 0) {
        swr_free(&d->swr);
        return fam_fail_av(r, "swr_init");
    }
    av_channel_layout_uninit(&d->swr_layout);
    av_channel_layout_copy(&d->swr_layout, layout);
    d->swr_rate = rate;
    d->swr_format = fmt;
    return FAM_OK;
}

FAM_API int fam_adec_open(int codec, int sample_rate, int channels, int out_rate, int max_buffered,
                          fam_adec **out) {
    fam_init_once();
    if (!out) return fam_fail(FAM_EINVAL, "out is null");
    *out = NULL;
    if (out_rate < 1000 || out_rate > 192000) return fam_fail(FAM_EINVAL, "output rate %d Hz", out_rate);
    if (max_buffered < 4096) return fam_fail(FAM_EINVAL, "max_buffered %d < 4096", max_buffered);
    int pcm = codec == FAM_AUDIO_PCM_S16LE || codec == FAM_AUDIO_PCM_F32LE;
    if (pcm && (channels < 1 || channels > 8))
        return fam_fail(FAM_EUNSUPPORTED, "%d channels (supported: 1..8)", channels);
    if (pcm && (sample_rate < 1000 || sample_rate > 384000))
        return fam_fail(FAM_EUNSUPPORTED, "sample rate %d Hz", sample_rate);
    enum AVCodecID id = codec == FAM_AUDIO_AAC    ? AV_CODEC_ID_AAC
                        : codec == FAM_AUDIO_OPUS ? AV_CODEC_ID_OPUS
                                                  : AV_CODEC_ID_NONE;
    if (!pcm && id == AV_CODEC_ID_NONE) return fam_fail(FAM_EUNSUPPORTED, "audio codec %d", codec);

    fam_adec *d = calloc(1, sizeof *d);
    if (!d) return fam_fail(FAM_ENOMEM, "out of memory");
    d->codec = codec;
    d->out_rate = out_rate;
    d->max_buffered = max_buffered;
    d->pcm_rate = sample_rate;
    d->pcm_channels = channels;
    if (!pcm) {
        const AVCodec *c = avcodec_find_decoder(id);
        if (!c) {
            free(d);
            return fam_fail(FAM_EUNSUPPORTED, "this FFmpeg build has no decoder for %s", avcodec_get_name(id));
        }
        d->ctx = avcodec_alloc_context3(c);
        d->pkt = av_packet_alloc();
        d->frame = av_frame_alloc();
        if (!d->ctx || !d->pkt || !d->frame) {
            fam_adec_close(d);
            return fam_fail(FAM_ENOMEM, "out of memory");
        }
        if (id == AV_CODEC_ID_OPUS) {
            /* Without an OpusHead the decoder takes the layout and rate from the context. */
            av_channel_layout_default(&d->ctx->ch_layout, channels == 1 ? 1 : 2);
            d->ctx->sample_rate = 48000;
        }
        d->ctx->thread_count = 1;
        int r = avcodec_open2(d->ctx, c, NULL);
        if (r < 0) {
            fam_adec_close(d);
            return fam_fail_av(r, "avcodec_open2");
        }
        if (id == AV_CODEC_ID_AAC) d->parser = av_parser_init(AV_CODEC_ID_AAC);
    } else {
        AVChannelLayout layout;
        av_channel_layout_default(&layout, channels);
        int r = configure_swr(d, &layout, codec == FAM_AUDIO_PCM_S16LE ? AV_SAMPLE_FMT_S16 : AV_SAMPLE_FMT_FLT,
                              sample_rate);
        av_channel_layout_uninit(&layout);
        if (r < 0) {
            fam_adec_close(d);
            return r;
        }
    }
    *out = d;
    return FAM_OK;
}

/* Decodes one packet (NULL flushes) and resamples all frames it yields; counts frames it had to skip. */
static int decode_packet(fam_adec *d, AVPacket *pkt, int *corrupt) {
    int r = avcodec_send_packet(d->ctx, pkt);
    if (r < 0 && r != AVERROR_EOF) {
        (*corrupt)++;
        fam_fail_av(r, "decode");
        return FAM_OK; /* skip this packet, keep the stream */
    }
    for (;;) {
        r = avcodec_receive_frame(d->ctx, d->frame);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return FAM_OK;
        if (r < 0) {
            (*corrupt)++;
            fam_fail_av(r, "decode");
            return FAM_OK;
        }
        AVFrame *f = d->frame;
        r = configure_swr(d, &f->ch_layout, (enum AVSampleFormat)f->format, f->sample_rate);
        if (r < 0) {
            av_frame_unref(f);
            (*corrupt)++;
            continue;
        }
        r = resample(d, (const uint8_t **)f->extended_data, f->nb_samples);
        av_frame_unref(f);
        if (r < 0) return r;
    }
}

static int send_pcm(fam_adec *d, const uint8_t *data, int size) {
    int bytes = d->codec == FAM_AUDIO_PCM_S16LE ? 2 : 4;
    int frame_bytes = bytes * d->pcm_channels;
    if (size % frame_bytes != 0)
        return fam_fail(FAM_EINVAL, "%d bytes is not a whole number of %d-channel %d-byte samples", size,
                        d->pcm_channels, bytes);
    int n = size / frame_bytes;
    if (bytes == 4) { /* NaN/Inf would spread through the resampler's filter */
        float *clean = malloc((size_t)size);
        if (!clean) return fam_fail(FAM_ENOMEM, "out of memory");
        memcpy(clean, data, (size_t)size);
        for (int i = 0; i < size / 4; i++)
            if (!isfinite(clean[i]) || fabsf(clean[i]) > 1e6f) clean[i] = 0.0f;
        const uint8_t *in = (const uint8_t *)clean;
        int r = resample(d, &in, n);
        free(clean);
        return r;
    }
    const uint8_t *in = data;
    return resample(d, &in, n);
}

FAM_API int fam_adec_send(fam_adec *d, const uint8_t *data, int size, int *corrupt_frames) {
    if (!d || !corrupt_frames) return fam_fail(FAM_EINVAL, "null argument");
    *corrupt_frames = 0;
    if (!data || size <= 0) return fam_fail(FAM_EINVAL, "empty chunk");
    if (!d->ctx) return send_pcm(d, data, size);
    if (!d->parser) { /* OPUS: one chunk is one packet */
        av_packet_unref(d->pkt);
        int r = av_new_packet(d->pkt, size);
        if (r < 0) return fam_fail_av(r, "av_new_packet");
        memcpy(d->pkt->data, data, (size_t)size);
        r = decode_packet(d, d->pkt, corrupt_frames);
        av_packet_unref(d->pkt);
        return r;
    }
    /* AAC ADTS: a chunk may hold several frames, and a frame may straddle chunks. The parser reads up to
     * AV_INPUT_BUFFER_PADDING_SIZE bytes past its input (FFmpeg's contract), so the chunk goes in through a copy
     * with zeroed padding: the caller's buffer (a managed array) has none — found by fuzz/fam_fuzz.c. */
    if (size > d->padded_capacity) {
        uint8_t *p = realloc(d->padded, (size_t)size + AV_INPUT_BUFFER_PADDING_SIZE);
        if (!p) return fam_fail(FAM_ENOMEM, "out of memory");
        d->padded = p;
        d->padded_capacity = size;
    }
    memcpy(d->padded, data, (size_t)size);
    memset(d->padded + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
    data = d->padded;
    while (size > 0) {
        uint8_t *frame_data = NULL;
        int frame_size = 0;
        int used = av_parser_parse2(d->parser, d->ctx, &frame_data, &frame_size, data, size, AV_NOPTS_VALUE,
                                    AV_NOPTS_VALUE, 0);
        if (used < 0) return fam_fail_av(used, "ADTS parse");
        data += used;
        size -= used;
        if (frame_size > 0) {
            av_packet_unref(d->pkt);
            int r = av_new_packet(d->pkt, frame_size);
            if (r < 0) return fam_fail_av(r, "av_new_packet");
            memcpy(d->pkt->data, frame_data, (size_t)frame_size);
            r = decode_packet(d, d->pkt, corrupt_frames);
            av_packet_unref(d->pkt);
            if (r < 0) return r;
        }
        if (used == 0 && frame_size == 0) break;
    }
    return FAM_OK;
}

FAM_API int fam_adec_flush(fam_adec *d) {
    if (!d) return fam_fail(FAM_EINVAL, "decoder is null");
    int corrupt = 0;
    if (d->ctx) {
        if (d->parser) { /* the parser may hold the last frame */
            uint8_t *frame_data = NULL;
            int frame_size = 0;
            av_parser_parse2(d->parser, d->ctx, &frame_data, &frame_size, NULL, 0, AV_NOPTS_VALUE,
                             AV_NOPTS_VALUE, 0);
            if (frame_size > 0) {
                av_packet_unref(d->pkt);
                if (av_new_packet(d->pkt, frame_size) == 0) {
                    memcpy(d->pkt->data, frame_data, (size_t)frame_size);
                    int r = decode_packet(d, d->pkt, &corrupt);
                    av_packet_unref(d->pkt);
                    if (r < 0) return r;
                }
            }
        }
        int r = decode_packet(d, NULL, &corrupt);
        if (r < 0) return r;
        avcodec_flush_buffers(d->ctx);
    }
    if (d->swr) return resample(d, NULL, 0);
    return FAM_OK;
}

FAM_API int fam_adec_available(fam_adec *d) { return d ? d->fifo_count : 0; }

FAM_API int fam_adec_read(fam_adec *d, float *dst, int capacity) {
    if (!d || !dst || capacity < 0) return fam_fail(FAM_EINVAL, "null argument");
    int n = capacity < d->fifo_count ? capacity : d->fifo_count;
    memcpy(dst, d->fifo, (size_t)n * sizeof(float));
    memmove(d->fifo, d->fifo + n, (size_t)(d->fifo_count - n) * sizeof(float));
    d->fifo_count -= n;
    return n;
}

FAM_API void fam_adec_reset(fam_adec *d) {
    if (!d) return;
    d->fifo_count = 0;
    if (d->ctx) avcodec_flush_buffers(d->ctx);
    if (d->swr) swr_init(d->swr); /* re-init clears the filter history */
}

FAM_API void fam_adec_close(fam_adec *d) {
    if (!d) return;
    avcodec_free_context(&d->ctx);
    if (d->parser) av_parser_close(d->parser);
    av_packet_free(&d->pkt);
    av_frame_free(&d->frame);
    swr_free(&d->swr);
    av_channel_layout_uninit(&d->swr_layout);
    free(d->fifo);
    free(d->padded);
    free(d);
}
