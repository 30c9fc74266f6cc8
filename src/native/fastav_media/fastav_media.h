/*
 * fastav_media: the C surface FastAV.Live.Media calls through [LibraryImport].
 * Conventions: functions return FAM_OK (0) or a positive state (FAM_AGAIN, FAM_EOF) on success and
 * a negative code on failure; the failure's text is in fam_last_error() (thread-local).
 * No FFmpeg struct crosses this boundary, so FFmpeg's struct layouts never matter to C#.
 */
#ifndef FASTAV_MEDIA_H
#define FASTAV_MEDIA_H

#include <stdint.h>

#define FAM_API __attribute__((visibility("default")))

#define FAM_OK 0
#define FAM_AGAIN 1
#define FAM_EOF 2
#define FAM_EINVAL (-1)
#define FAM_ENOMEM (-2)
#define FAM_ELIMIT (-3)
#define FAM_EUNSUPPORTED (-4)

/* Codec numbers shared with C# (VideoCodec / AudioCodec enums). */
#define FAM_VIDEO_RAW_RGB24 1
#define FAM_VIDEO_RAW_I420 2
#define FAM_VIDEO_JPEG 3
#define FAM_VIDEO_H264 4
#define FAM_VIDEO_HEVC 5
#define FAM_VIDEO_NV12 6

#define FAM_AUDIO_PCM_S16LE 1
#define FAM_AUDIO_PCM_F32LE 2
#define FAM_AUDIO_AAC 3
#define FAM_AUDIO_OPUS 4

/* Decoded-frame flags. */
#define FAM_FRAME_CORRUPT 1
#define FAM_FRAME_KEY 2

typedef struct fam_vdec fam_vdec;
typedef struct fam_scaler fam_scaler;
typedef struct fam_adec fam_adec;
typedef struct fam_src fam_src;

FAM_API int fam_last_error(char *dst, int capacity);
FAM_API void fam_set_log_level(int av_log_level);

/* Video: compressed codecs (JPEG, H264, HEVC). */
FAM_API int fam_vdec_open(int codec, int max_width, int max_height, int threads, fam_vdec **out);
FAM_API int fam_vdec_send(fam_vdec *d, const uint8_t *data, int size, int64_t pts);
FAM_API int fam_vdec_flush(fam_vdec *d);
FAM_API int fam_vdec_receive(fam_vdec *d, int *width, int *height, int64_t *pts, int *flags);
FAM_API int fam_vdec_copy_rgb(fam_vdec *d, uint8_t *dst, int dst_size);
/* Work only on what is kept: skip non-reference pictures of the packets sent next (FFmpeg's AVDISCARD_NONREF; they
 * then yield no frame), hold the last received frame without converting it (slot 0..3, until released), and convert
 * a held frame straight to RGB24 at the model's size. */
FAM_API int fam_vdec_set_skip_nonref(fam_vdec *d, int skip);
FAM_API int fam_vdec_hold(fam_vdec *d, int *slot);
FAM_API int fam_vdec_release(fam_vdec *d, int slot);
FAM_API int fam_vdec_convert(fam_vdec *d, int slot, int width, int height, uint8_t *dst, int dst_size);
FAM_API void fam_vdec_close(fam_vdec *d);

/* Video: raw pictures (I420, NV12; RGB24 for resizing) to packed RGB24. */
FAM_API int fam_scaler_open(fam_scaler **out);
FAM_API int fam_scaler_to_rgb(fam_scaler *s, int codec, int width, int height,
                              const uint8_t *src, int src_size, uint8_t *dst, int dst_size);
/* Raw I420, NV12 or RGB24 to RGB24 at dst_width x dst_height (resize and conversion in one sws_scale). */
FAM_API int fam_scaler_convert(fam_scaler *s, int codec, int width, int height, const uint8_t *src, int src_size,
                               int dst_width, int dst_height, uint8_t *dst, int dst_size);
FAM_API void fam_scaler_close(fam_scaler *s);

/* Audio: any supported codec to mono float32 at out_rate, kept in a bounded FIFO until read. */
FAM_API int fam_adec_open(int codec, int sample_rate, int channels, int out_rate, int max_buffered,
                          fam_adec **out);
FAM_API int fam_adec_send(fam_adec *d, const uint8_t *data, int size, int *corrupt_frames);
FAM_API int fam_adec_flush(fam_adec *d);
FAM_API int fam_adec_available(fam_adec *d);
FAM_API int fam_adec_read(fam_adec *d, float *dst, int capacity);
FAM_API void fam_adec_reset(fam_adec *d);
FAM_API void fam_adec_close(fam_adec *d);

/* Source: libavformat reader yielding contract-shaped packets (Annex B video, ADTS AAC). */
FAM_API int fam_src_open(const char *url, int64_t timeout_us, fam_src **out);
FAM_API int fam_src_video_info(fam_src *s, int *codec, int *width, int *height, double *fps);
FAM_API int fam_src_audio_info(fam_src *s, int *codec, int *sample_rate, int *channels);
FAM_API int fam_src_read(fam_src *s, int *kind, const uint8_t **data, int *size, int64_t *pts_us,
                         int *keyframe);
FAM_API void fam_src_close(fam_src *s);

#endif
