#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>

#include "fam_internal.h"

#define FAM_KIND_VIDEO 1
#define FAM_KIND_AUDIO 2

/* A demuxer that hands out packets already in the contract's wire shapes:
 * H.264/HEVC as Annex B access units, AAC with ADTS headers. */
struct fam_src {
    AVFormatContext *fmt;
    int video_index, audio_index;
    int video_codec, audio_codec;
    AVBSFContext *bsf; /* mp4/mkv length-prefixed NAL units -> Annex B */
    int bsf_draining, eof;
    AVPacket *pkt, *out;
    uint8_t adts_config[3]; /* profile, sampling index, channel config from the AudioSpecificConfig */
    int adts_from_config;
    uint8_t *buf;
    int buf_capacity;
};

static int map_video(const AVCodecParameters *p) {
    switch (p->codec_id) {
    case AV_CODEC_ID_H264: return FAM_VIDEO_H264;
    case AV_CODEC_ID_HEVC: return FAM_VIDEO_HEVC;
    case AV_CODEC_ID_MJPEG: return FAM_VIDEO_JPEG;
    case AV_CODEC_ID_RAWVIDEO:
        if (p->format == AV_PIX_FMT_RGB24) return FAM_VIDEO_RAW_RGB24;
        if (p->format == AV_PIX_FMT_YUV420P) return FAM_VIDEO_RAW_I420;
        if (p->format == AV_PIX_FMT_NV12) return FAM_VIDEO_NV12;
        return 0;
    default: return 0;
    }
}

static int map_audio(const AVCodecParameters *p) {
    switch (p->codec_id) {
    case AV_CODEC_ID_PCM_S16LE: return FAM_AUDIO_PCM_S16LE;
    case AV_CODEC_ID_PCM_F32LE: return FAM_AUDIO_PCM_F32LE;
    case AV_CODEC_ID_AAC: return FAM_AUDIO_AAC;
    case AV_CODEC_ID_OPUS: return FAM_AUDIO_OPUS;
    default: return 0;
    }
}

static int open_bsf(fam_src *s, const AVStream *st) {
    const char *name = s->video_codec == FAM_VIDEO_H264   ? "h264_mp4toannexb"
                       : s->video_codec == FAM_VIDEO_HEVC ? "hevc_mp4toannexb"
                                                          : NULL;
    if (!name) return FAM_OK;
    const AVBitStreamFilter *f = av_bsf_get_by_name(name);
    if (!f) return fam_fail(FAM_EUNSUPPORTED, "this FFmpeg build lacks the %s filter", name);
    int r = av_bsf_alloc(f, &s->bsf);
    if (r < 0) return fam_fail_av(r, "av_bsf_alloc");
    avcodec_parameters_copy(s->bsf->par_in, st->codecpar);
    s->bsf->time_base_in = st->time_base;
    r = av_bsf_init(s->bsf);
    return r < 0 ? fam_fail_av(r, name) : FAM_OK;
}

FAM_API int fam_src_open(const char *url, int64_t timeout_us, fam_src **out) {
    fam_init_once();
    if (!url || !out) return fam_fail(FAM_EINVAL, "null argument");
    *out = NULL;
    fam_src *s = calloc(1, sizeof *s);
    if (!s) return fam_fail(FAM_ENOMEM, "out of memory");
    s->video_index = s->audio_index = -1;
    s->pkt = av_packet_alloc();
    s->out = av_packet_alloc();
    AVDictionary *opts = NULL;
    if (timeout_us > 0) {
        char t[32];
        snprintf(t, sizeof t, "%lld", (long long)timeout_us);
        av_dict_set(&opts, "rw_timeout", t, 0); /* files, http, tcp */
        av_dict_set(&opts, "timeout", t, 0);    /* rtsp socket timeout */
    }
    if (strncmp(url, "rtsp://", 7) == 0) av_dict_set(&opts, "rtsp_transport", "tcp", 0);
    int r = avformat_open_input(&s->fmt, url, NULL, &opts);
    av_dict_free(&opts);
    if (r < 0) {
        fam_src_close(s);
        return fam_fail_av(r, url);
    }
    r = avformat_find_stream_info(s->fmt, NULL);
    if (r < 0) {
        fam_src_close(s);
        return fam_fail_av(r, "avformat_find_stream_info");
    }
    int v = av_find_best_stream(s->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    int a = av_find_best_stream(s->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (v >= 0 && (s->video_codec = map_video(s->fmt->streams[v]->codecpar))) s->video_index = v;
    if (a >= 0 && (s->audio_codec = map_audio(s->fmt->streams[a]->codecpar))) s->audio_index = a;
    if (s->video_index < 0 && s->audio_index < 0) {
        fam_src_close(s);
        return fam_fail(FAM_EUNSUPPORTED, "%s has no video or audio stream in a supported codec", url);
    }
    if (s->video_index >= 0 && (r = open_bsf(s, s->fmt->streams[s->video_index])) < 0) {
        fam_src_close(s);
        return r;
    }
    if (s->audio_codec == FAM_AUDIO_AAC) {
        const AVCodecParameters *p = s->fmt->streams[s->audio_index]->codecpar;
        if (p->extradata && p->extradata_size >= 2) {
            /* AudioSpecificConfig: 5 bits object type, 4 bits sampling index, 4 bits channel config. */
            int object = p->extradata[0] >> 3;
            int index = ((p->extradata[0] & 7) << 1) | (p->extradata[1] >> 7);
            int channels = (p->extradata[1] >> 3) & 15;
            if (object < 1 || object > 4 || index > 12) {
                fam_src_close(s);
                return fam_fail(FAM_EUNSUPPORTED, "AAC object type %d / sampling index %d cannot be sent as ADTS",
                                object, index);
            }
            s->adts_config[0] = (uint8_t)(object - 1);
            s->adts_config[1] = (uint8_t)index;
            s->adts_config[2] = (uint8_t)channels;
            s->adts_from_config = 1;
        }
    }
    *out = s;
    return FAM_OK;
}

FAM_API int fam_src_video_info(fam_src *s, int *codec, int *width, int *height, double *fps) {
    if (!s) return fam_fail(FAM_EINVAL, "source is null");
    *codec = 0;
    *width = *height = 0;
    *fps = 0;
    if (s->video_index < 0) return FAM_OK;
    const AVStream *st = s->fmt->streams[s->video_index];
    *codec = s->video_codec;
    *width = st->codecpar->width;
    *height = st->codecpar->height;
    AVRational r = av_guess_frame_rate(s->fmt, (AVStream *)st, NULL);
    *fps = r.den ? av_q2d(r) : 0;
    return FAM_OK;
}

FAM_API int fam_src_audio_info(fam_src *s, int *codec, int *sample_rate, int *channels) {
    if (!s) return fam_fail(FAM_EINVAL, "source is null");
    *codec = 0;
    *sample_rate = *channels = 0;
    if (s->audio_index < 0) return FAM_OK;
    const AVCodecParameters *p = s->fmt->streams[s->audio_index]->codecpar;
    *codec = s->audio_codec;
    *sample_rate = p->sample_rate;
    *channels = p->ch_layout.nb_channels;
    return FAM_OK;
}

static int64_t pts_us(const AVPacket *p, AVRational tb) {
    int64_t t = p->pts != AV_NOPTS_VALUE ? p->pts : p->dts;
    return t == AV_NOPTS_VALUE ? INT64_MIN : av_rescale_q(t, tb, AV_TIME_BASE_Q);
}

static int emit(fam_src *s, int kind, AVPacket *p, AVRational tb, int *out_kind, const uint8_t **data, int *size,
                int64_t *pts, int *key) {
    *out_kind = kind;
    *pts = pts_us(p, tb);
    *key = (p->flags & AV_PKT_FLAG_KEY) != 0;
    int adts = kind == FAM_KIND_AUDIO && s->adts_from_config &&
               !(p->size >= 2 && p->data[0] == 0xFF && (p->data[1] & 0xF0) == 0xF0);
    if (!adts) {
        *data = p->data;
        *size = p->size;
        return FAM_OK;
    }
    int len = p->size + 7;
    if (len > 8191) return fam_fail(FAM_ELIMIT, "AAC frame of %d bytes does not fit an ADTS header", p->size);
    if (len > s->buf_capacity) {
        uint8_t *b = realloc(s->buf, (size_t)len);
        if (!b) return fam_fail(FAM_ENOMEM, "out of memory");
        s->buf = b;
        s->buf_capacity = len;
    }
    uint8_t *h = s->buf;
    h[0] = 0xFF;
    h[1] = 0xF1; /* MPEG-4, no CRC */
    h[2] = (uint8_t)((s->adts_config[0] << 6) | (s->adts_config[1] << 2) | (s->adts_config[2] >> 2));
    h[3] = (uint8_t)(((s->adts_config[2] & 3) << 6) | (len >> 11));
    h[4] = (uint8_t)((len >> 3) & 0xFF);
    h[5] = (uint8_t)(((len & 7) << 5) | 0x1F);
    h[6] = 0xFC;
    memcpy(h + 7, p->data, (size_t)p->size);
    *data = s->buf;
    *size = len;
    return FAM_OK;
}

FAM_API int fam_src_read(fam_src *s, int *kind, const uint8_t **data, int *size, int64_t *pts, int *key) {
    if (!s || !kind || !data || !size || !pts || !key) return fam_fail(FAM_EINVAL, "null argument");
    av_packet_unref(s->out);
    for (;;) {
        if (s->bsf && s->bsf_draining) {
            int r = av_bsf_receive_packet(s->bsf, s->out);
            if (r == 0)
                return emit(s, FAM_KIND_VIDEO, s->out, s->bsf->time_base_out, kind, data, size, pts, key);
            s->bsf_draining = 0;
            if (r != AVERROR(EAGAIN) && r != AVERROR_EOF) return fam_fail_av(r, "bitstream filter");
        }
        if (s->eof) return FAM_EOF;
        int r = av_read_frame(s->fmt, s->pkt);
        if (r == AVERROR_EOF) {
            s->eof = 1;
            if (s->bsf) {
                av_bsf_send_packet(s->bsf, NULL);
                s->bsf_draining = 1;
            }
            continue;
        }
        if (r < 0) return fam_fail_av(r, "read");
        if (s->pkt->stream_index == s->video_index) {
            if (s->bsf) {
                r = av_bsf_send_packet(s->bsf, s->pkt); /* takes the packet's reference */
                if (r < 0) {
                    av_packet_unref(s->pkt);
                    return fam_fail_av(r, "bitstream filter");
                }
                s->bsf_draining = 1;
                continue;
            }
            av_packet_move_ref(s->out, s->pkt);
            return emit(s, FAM_KIND_VIDEO, s->out, s->fmt->streams[s->video_index]->time_base, kind, data, size,
                        pts, key);
        }
        if (s->pkt->stream_index == s->audio_index) {
            av_packet_move_ref(s->out, s->pkt);
            return emit(s, FAM_KIND_AUDIO, s->out, s->fmt->streams[s->audio_index]->time_base, kind, data, size,
                        pts, key);
        }
        av_packet_unref(s->pkt);
    }
}

FAM_API void fam_src_close(fam_src *s) {
    if (!s) return;
    av_bsf_free(&s->bsf);
    avformat_close_input(&s->fmt);
    av_packet_free(&s->pkt);
    av_packet_free(&s->out);
    free(s->buf);
    free(s);
}
