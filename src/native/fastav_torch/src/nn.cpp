// Neural-network ops. rms_norm and scaled_dot_product_attention exist natively only in newer
// libtorch (2.4 / 2.0); older ones (Debian's 1.13) get exact compositions with the same semantics.
#include "handle.h"

#include <torch/version.h>

#include <cfloat>
#include <cmath>
#include <limits>

#if __has_include(<ATen/ops/rms_norm.h>)
#define FAT_NATIVE_RMS_NORM 1
#endif
#if __has_include(<ATen/ops/scaled_dot_product_attention.h>)
#define FAT_NATIVE_SDPA 1
// The explicit `scale` argument arrived in 2.1.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
#define FAT_NATIVE_SDPA_SCALE 1
#endif
#endif

namespace {

// x * rsqrt(mean(x^2 over the normalized dims) + eps) [* weight], computed in float for 16-bit
// inputs (PyTorch's opmath type) and cast back before the weight, as at::rms_norm does.
at::Tensor rms_norm_composite(const at::Tensor& x, at::IntArrayRef normalized_shape, const c10::optional<at::Tensor>& weight,
                              double eps) {
  const auto n = static_cast<int64_t>(normalized_shape.size());
  if (n == 0) throw std::invalid_argument("rms_norm: normalized_shape must have at least one dimension");
  if (x.dim() < n || x.sizes().slice(static_cast<size_t>(x.dim() - n)) != normalized_shape) {
    throw std::invalid_argument("rms_norm: input shape " + c10::str(x.sizes()) + " does not end with normalized_shape " +
                                c10::str(normalized_shape));
  }
  if (weight.has_value() && weight->sizes() != normalized_shape) {
    throw std::invalid_argument("rms_norm: weight shape " + c10::str(weight->sizes()) + " is not normalized_shape " +
                                c10::str(normalized_shape));
  }
  const bool low_precision = x.scalar_type() == at::kHalf || x.scalar_type() == at::kBFloat16;
  const auto compute_type = low_precision ? at::kFloat : x.scalar_type();
  if (eps < 0) eps = compute_type == at::kDouble ? DBL_EPSILON : FLT_EPSILON;
  std::vector<int64_t> dims;
  for (int64_t d = x.dim() - n; d < x.dim(); ++d) dims.push_back(d);
  auto xc = x.to(compute_type);
  auto result = xc.mul(at::rsqrt(xc.pow(2).mean(dims, /*keepdim=*/true).add(eps))).to(x.scalar_type());
  if (weight.has_value()) result = result.mul(*weight);
  return result;
}

// softmax(q k^T * scale + mask) v with PyTorch's semantics: boolean mask true = attend, float mask
// is added, is_causal keeps the lower-left triangle (query i sees keys 0..i).
at::Tensor sdpa_composite(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const c10::optional<at::Tensor>& mask,
                          bool is_causal, double scale) {
  if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2) throw std::invalid_argument("scaled_dot_product_attention: q, k, v need >= 2 dims");
  if (is_causal && mask.has_value()) {
    throw std::invalid_argument("scaled_dot_product_attention: explicit attn_mask should not be set when is_causal=True");
  }
  const double s = std::isnan(scale) ? 1.0 / std::sqrt(static_cast<double>(q.size(-1))) : scale;
  auto scores = at::matmul(q, k.transpose(-2, -1)).mul(s);
  const double neg_inf = -std::numeric_limits<double>::infinity();
  if (is_causal) {
    auto keep = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).tril();
    scores = scores.masked_fill(keep.logical_not(), neg_inf);
  }
  if (mask.has_value()) {
    scores = mask->scalar_type() == at::kBool ? scores.masked_fill(mask->logical_not(), neg_inf) : scores.add(*mask);
  }
  return at::matmul(at::softmax(scores, -1), v);
}

}  // namespace

extern "C" {

fat_tensor* fat_layer_norm(const fat_tensor* x, const int64_t* normalized_shape, int32_t ndim, const fat_tensor* weight,
                           const fat_tensor* bias, double eps) {
  FAT_TENSOR(at::layer_norm(fat::ref(x, "input"), fat::dims(normalized_shape, ndim), fat::opt(weight), fat::opt(bias), eps,
                            /*cudnn_enable=*/false))
}

fat_tensor* fat_rms_norm(const fat_tensor* x, const int64_t* normalized_shape, int32_t ndim, const fat_tensor* weight,
                         double eps, int32_t force_composite) {
  FAT_GUARD(nullptr, {
    const auto& input = fat::ref(x, "input");
    auto shape = fat::dims(normalized_shape, ndim);
#ifdef FAT_NATIVE_RMS_NORM
    if (force_composite == 0) {
      c10::optional<double> e = eps < 0 ? c10::nullopt : c10::optional<double>(eps);
      return fat::wrap(at::rms_norm(input, shape, fat::opt(weight), e));
    }
#endif
    return fat::wrap(rms_norm_composite(input, shape, fat::opt(weight), eps));
  })
}

fat_tensor* fat_conv1d(const fat_tensor* x, const fat_tensor* w, const fat_tensor* b, int64_t stride, int64_t padding,
                       int64_t dilation, int64_t groups) {
  FAT_TENSOR(at::conv1d(fat::ref(x, "input"), fat::ref(w, "weight"), fat::opt(b), at::IntArrayRef(stride),
                        at::IntArrayRef(padding), at::IntArrayRef(dilation), groups))
}

fat_tensor* fat_conv2d(const fat_tensor* x, const fat_tensor* w, const fat_tensor* b, const int64_t* stride2,
                       const int64_t* padding2, const int64_t* dilation2, int64_t groups) {
  FAT_TENSOR(at::conv2d(fat::ref(x, "input"), fat::ref(w, "weight"), fat::opt(b), fat::dims(stride2, 2), fat::dims(padding2, 2),
                        fat::dims(dilation2, 2), groups))
}

fat_tensor* fat_interpolate(const fat_tensor* x, int64_t out_h, int64_t out_w, int32_t mode, int32_t align_corners) {
  FAT_GUARD(nullptr, {
    const auto& input = fat::ref(x, "input");
    if (input.dim() != 4) throw std::invalid_argument("interpolate: expected a 4-D NCHW input, got " + c10::str(input.sizes()));
    if (out_h <= 0 || out_w <= 0) throw std::invalid_argument("interpolate: output size must be positive");
    const int64_t size[2] = {out_h, out_w};
    if (mode == 0) {
      if (align_corners != 0) throw std::invalid_argument("interpolate: align_corners only applies to bilinear");
      return fat::wrap(at::upsample_nearest2d(input, at::IntArrayRef(size, 2), c10::nullopt, c10::nullopt));
    }
    if (mode == 1) {
      return fat::wrap(at::upsample_bilinear2d(input, at::IntArrayRef(size, 2), align_corners != 0, c10::nullopt, c10::nullopt));
    }
    if (mode == 2) {
      return fat::wrap(at::upsample_bicubic2d(input, at::IntArrayRef(size, 2), align_corners != 0, c10::nullopt, c10::nullopt));
    }
    throw std::invalid_argument("interpolate: unknown mode " + std::to_string(mode));
  })
}

fat_tensor* fat_avg_pool1d(const fat_tensor* x, int64_t kernel, int64_t stride, int64_t padding, int32_t ceil_mode,
                           int32_t count_include_pad) {
  FAT_TENSOR(at::avg_pool1d(fat::ref(x, "input"), at::IntArrayRef(kernel), at::IntArrayRef(stride), at::IntArrayRef(padding),
                            ceil_mode != 0, count_include_pad != 0))
}

fat_tensor* fat_avg_pool2d(const fat_tensor* x, const int64_t* kernel2, const int64_t* stride2, const int64_t* padding2,
                           int32_t ceil_mode, int32_t count_include_pad) {
  FAT_TENSOR(at::avg_pool2d(fat::ref(x, "input"), fat::dims(kernel2, 2), fat::dims(stride2, 2), fat::dims(padding2, 2),
                            ceil_mode != 0, count_include_pad != 0, c10::nullopt))
}

fat_tensor* fat_adaptive_avg_pool2d(const fat_tensor* x, int64_t out_h, int64_t out_w) {
  FAT_GUARD(nullptr, {
    if (out_h <= 0 || out_w <= 0) throw std::invalid_argument("adaptive_avg_pool2d: output size must be positive");
    const int64_t size[2] = {out_h, out_w};
    return fat::wrap(at::adaptive_avg_pool2d(fat::ref(x, "input"), at::IntArrayRef(size, 2)));
  })
}

fat_tensor* fat_embedding(const fat_tensor* weight, const fat_tensor* indices) {
  FAT_TENSOR(at::embedding(fat::ref(weight, "weight"), fat::ref(indices, "indices")))
}

fat_tensor* fat_scaled_dot_product_attention(const fat_tensor* q, const fat_tensor* k, const fat_tensor* v, const fat_tensor* mask,
                                             int32_t is_causal, double scale, int32_t force_composite) {
  FAT_GUARD(nullptr, {
    const auto& query = fat::ref(q, "query");
    const auto& key = fat::ref(k, "key");
    const auto& value = fat::ref(v, "value");
#ifdef FAT_NATIVE_SDPA
    if (force_composite == 0) {
#ifdef FAT_NATIVE_SDPA_SCALE
      c10::optional<double> s = std::isnan(scale) ? c10::nullopt : c10::optional<double>(scale);
      return fat::wrap(at::scaled_dot_product_attention(query, key, value, fat::opt(mask), 0.0, is_causal != 0, s));
#else
      if (std::isnan(scale)) {
        return fat::wrap(at::scaled_dot_product_attention(query, key, value, fat::opt(mask), 0.0, is_causal != 0));
      }
#endif
    }
#endif
    return fat::wrap(sdpa_composite(query, key, value, fat::opt(mask), is_causal != 0, scale));
  })
}

}  // extern "C"
