// Element-wise math (broadcasting), matrix products, softmax and cosine similarity.
#include "handle.h"

namespace {
at::Tensor binary(int32_t op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case FAT_ADD: return at::add(a, b);
    case FAT_SUB: return at::sub(a, b);
    case FAT_MUL: return at::mul(a, b);
    case FAT_DIV: return at::div(a, b);
    case FAT_POW: return at::pow(a, b);
    case FAT_MAXIMUM: return at::maximum(a, b);
    case FAT_MINIMUM: return at::minimum(a, b);
    case FAT_EQ: return at::eq(a, b);
    case FAT_NE: return at::ne(a, b);
    case FAT_LT: return at::lt(a, b);
    case FAT_LE: return at::le(a, b);
    case FAT_GT: return at::gt(a, b);
    case FAT_GE: return at::ge(a, b);
    case FAT_LOGICAL_AND: return at::logical_and(a, b);
    case FAT_LOGICAL_OR: return at::logical_or(a, b);
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
}

at::Tensor binary_scalar(int32_t op, const at::Tensor& a, const at::Scalar& b) {
  switch (op) {
    case FAT_ADD: return at::add(a, b);
    case FAT_SUB: return at::sub(a, b);
    case FAT_MUL: return at::mul(a, b);
    case FAT_DIV: return at::div(a, b);
    case FAT_POW: return at::pow(a, b);
    case FAT_EQ: return at::eq(a, b);
    case FAT_NE: return at::ne(a, b);
    case FAT_LT: return at::lt(a, b);
    case FAT_LE: return at::le(a, b);
    case FAT_GT: return at::gt(a, b);
    case FAT_GE: return at::ge(a, b);
    default: throw std::invalid_argument("binary op " + std::to_string(op) + " has no scalar form");
  }
}

void binary_inplace(int32_t op, at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case FAT_ADD: a.add_(b); return;
    case FAT_SUB: a.sub_(b); return;
    case FAT_MUL: a.mul_(b); return;
    case FAT_DIV: a.div_(b); return;
    default: throw std::invalid_argument("binary op " + std::to_string(op) + " has no in-place form");
  }
}

at::Tensor unary(int32_t op, const at::Tensor& t) {
  switch (op) {
    case FAT_NEG: return at::neg(t);
    case FAT_ABS: return at::abs(t);
    case FAT_SQRT: return at::sqrt(t);
    case FAT_RSQRT: return at::rsqrt(t);
    case FAT_EXP: return at::exp(t);
    case FAT_LOG: return at::log(t);
    case FAT_TANH: return at::tanh(t);
    case FAT_SIGMOID: return at::sigmoid(t);
    case FAT_SILU: return at::silu(t);
    case FAT_GELU: return at::gelu(t, "none");
    case FAT_GELU_TANH: return at::gelu(t, "tanh");
    case FAT_RELU: return at::relu(t);
    case FAT_SIN: return at::sin(t);
    case FAT_COS: return at::cos(t);
    case FAT_LOGICAL_NOT: return at::logical_not(t);
    case FAT_RECIPROCAL: return at::reciprocal(t);
    default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
  }
}
}  // namespace

extern "C" {

fat_tensor* fat_binary(int32_t op, const fat_tensor* a, const fat_tensor* b) { FAT_TENSOR(binary(op, fat::ref(a), fat::ref(b))) }
fat_tensor* fat_binary_scalar(int32_t op, const fat_tensor* a, double b) { FAT_TENSOR(binary_scalar(op, fat::ref(a), b)) }
fat_tensor* fat_binary_scalar_i64(int32_t op, const fat_tensor* a, int64_t b) { FAT_TENSOR(binary_scalar(op, fat::ref(a), b)) }
int32_t fat_binary_(int32_t op, fat_tensor* a, const fat_tensor* b) {
  FAT_STATUS(at::Tensor d = fat::ref(a); binary_inplace(op, d, fat::ref(b)))
}
fat_tensor* fat_unary(int32_t op, const fat_tensor* t) { FAT_TENSOR(unary(op, fat::ref(t))) }
fat_tensor* fat_clamp(const fat_tensor* t, double min, double max) { FAT_TENSOR(at::clamp(fat::ref(t), min, max)) }
fat_tensor* fat_matmul(const fat_tensor* a, const fat_tensor* b) { FAT_TENSOR(at::matmul(fat::ref(a), fat::ref(b))) }
fat_tensor* fat_bmm(const fat_tensor* a, const fat_tensor* b) { FAT_TENSOR(at::bmm(fat::ref(a), fat::ref(b))) }
fat_tensor* fat_linear(const fat_tensor* x, const fat_tensor* weight, const fat_tensor* bias) {
  FAT_TENSOR(at::linear(fat::ref(x, "input"), fat::ref(weight, "weight"), fat::opt(bias)))
}
fat_tensor* fat_addmm(const fat_tensor* self, const fat_tensor* a, const fat_tensor* b, double beta, double alpha) {
  FAT_TENSOR(at::addmm(fat::ref(self), fat::ref(a), fat::ref(b), beta, alpha))
}
fat_tensor* fat_softmax(const fat_tensor* t, int64_t dim) { FAT_TENSOR(at::softmax(fat::ref(t), dim)) }
fat_tensor* fat_log_softmax(const fat_tensor* t, int64_t dim) { FAT_TENSOR(at::log_softmax(fat::ref(t), dim)) }
fat_tensor* fat_cosine_similarity(const fat_tensor* a, const fat_tensor* b, int64_t dim, double eps) {
  FAT_TENSOR(at::cosine_similarity(fat::ref(a), fat::ref(b), dim, eps))
}

}  // extern "C"
