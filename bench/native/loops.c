// The C loops the wasm kernels are measured against, in the bench's own process: a small
// N-API addon (no node-gyp; bench/native/build.mjs compiles it with the machine's gcc,
// -O3 -msse4.2 -fno-math-errno, i.e. the same 128-bit vector width as WebAssembly SIMD).
// Each loop is the kernel's float32 rule in the kernel's operation order; time(name, reps,
// arrays, scalars) runs it `reps` times over the arrays (Float32Arrays, updated in place)
// and returns the elapsed seconds, so no call overhead is timed.
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <node_api.h>

typedef void (*loop_fn)(float *const *a, const float *s, size_t n);

// p += g: the in-place-update bandwidth (read two arrays, write one).
static void update(float *const *a, const float *s, size_t n) {
  (void)s;
  float *restrict p = a[0];
  const float *restrict g = a[1];
  for (size_t i = 0; i < n; i++) p[i] = p[i] + g[i];
}

// SGD, no momentum, plain: p = -lr*g + p.
static void sgd(float *const *a, const float *s, size_t n) {
  float *restrict p = a[0];
  const float *restrict g = a[1];
  const float nlr = s[0];
  for (size_t i = 0; i < n; i++) p[i] = nlr * g[i] + p[i];
}

// SGD with momentum, plain: buf = g + buf*mu; p = -lr*buf + p.
static void sgd_momentum(float *const *a, const float *s, size_t n) {
  float *restrict p = a[0], *restrict buf = a[2];
  const float *restrict g = a[1];
  const float nlr = s[0], mu = s[1];
  for (size_t i = 0; i < n; i++) {
    const float b = g[i] + buf[i] * mu;
    buf[i] = b;
    p[i] = nlr * b + p[i];
  }
}

// Adam, plain: the kernel's order (m, v, then one division by sqrt(v) + eps*sqrt(bc2); ns = -stepSize*sqrt(bc2)).
static void adam(float *const *a, const float *s, size_t n) {
  float *restrict p = a[0], *restrict m = a[2], *restrict v = a[3];
  const float *restrict g = a[1];
  const float ns = s[0], b1 = s[1], c1 = s[2], b2 = s[3], c2 = s[4], eps = s[5];
  for (size_t i = 0; i < n; i++) {
    const float d = g[i];
    const float mt = c1 * d + m[i] * b1;
    const float vt = (c2 * d) * d + v[i] * b2;
    m[i] = mt;
    v[i] = vt;
    p[i] = ns * (mt / (sqrtf(vt) + eps)) + p[i];
  }
}

// AdamW with torch's defaults: Adam, plain, on p*decay (the one extra multiplication).
static void adamw(float *const *a, const float *s, size_t n) {
  float *restrict p = a[0], *restrict m = a[2], *restrict v = a[3];
  const float *restrict g = a[1];
  const float ns = s[0], b1 = s[1], c1 = s[2], b2 = s[3], c2 = s[4], eps = s[5], decay = s[6];
  for (size_t i = 0; i < n; i++) {
    const float x = p[i] * decay, d = g[i];
    const float mt = c1 * d + m[i] * b1;
    const float vt = (c2 * d) * d + v[i] * b2;
    m[i] = mt;
    v[i] = vt;
    p[i] = ns * (mt / (sqrtf(vt) + eps)) + x;
  }
}

// RMSprop, plain, not centered, no momentum.
static void rmsprop(float *const *a, const float *s, size_t n) {
  float *restrict p = a[0], *restrict v = a[2];
  const float *restrict g = a[1];
  const float nlr = s[0], alpha = s[1], c = s[2], eps = s[3];
  for (size_t i = 0; i < n; i++) {
    const float d = g[i];
    const float vt = (c * d) * d + v[i] * alpha;
    v[i] = vt;
    p[i] = nlr * (d / (sqrtf(vt) + eps)) + p[i];
  }
}

static const struct {
  const char *name;
  loop_fn fn;
} loops[] = {{"update", update}, {"sgd", sgd}, {"sgdMomentum", sgd_momentum}, {"adam", adam}, {"adamw", adamw}, {"rmsprop", rmsprop}};

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#define CHECK(call)                                                          \
  if ((call) != napi_ok) {                                                   \
    napi_throw_error(env, NULL, "loops.node: bad arguments: " #call);        \
    return NULL;                                                             \
  }

// time(name: string, reps: number, arrays: Float32Array[], scalars: number[]): seconds; reps 0
// runs the loop once and returns 0 (timed by the caller, across the JavaScript call like a wasm
// kernel's); reps -1 does nothing (the cost of the call itself).
static napi_value time_loop(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char name[32];
  size_t len;
  CHECK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
  int64_t reps;
  CHECK(napi_get_value_int64(env, argv[1], &reps));
  loop_fn fn = NULL;
  for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++)
    if (strcmp(loops[i].name, name) == 0) fn = loops[i].fn;
  if (fn == NULL) {
    napi_throw_error(env, NULL, "loops.node: unknown loop");
    return NULL;
  }
  float *arrays[4] = {NULL, NULL, NULL, NULL};
  float scalars[8] = {0};
  uint32_t count;
  size_t n = 0;
  CHECK(napi_get_array_length(env, argv[2], &count));
  for (uint32_t i = 0; i < count && i < 4; i++) {
    napi_value el;
    napi_typedarray_type type;
    size_t length;
    void *data;
    CHECK(napi_get_element(env, argv[2], i, &el));
    CHECK(napi_get_typedarray_info(env, el, &type, &length, &data, NULL, NULL));
    if (type != napi_float32_array) {
      napi_throw_type_error(env, NULL, "loops.node: arrays must be Float32Arrays");
      return NULL;
    }
    arrays[i] = data;
    n = i == 0 || length < n ? length : n;
  }
  CHECK(napi_get_array_length(env, argv[3], &count));
  for (uint32_t i = 0; i < count && i < 8; i++) {
    napi_value el;
    double x;
    CHECK(napi_get_element(env, argv[3], i, &el));
    CHECK(napi_get_value_double(env, el, &x));
    scalars[i] = (float)x;
  }
  napi_value result;
  if (reps <= 0) {
    if (reps == 0) fn(arrays, scalars, n);
    CHECK(napi_create_double(env, 0, &result));
    return result;
  }
  const double t0 = seconds();
  for (int64_t r = 0; r < reps; r++) fn(arrays, scalars, n);
  CHECK(napi_create_double(env, seconds() - t0, &result));
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "time", NAPI_AUTO_LENGTH, time_loop, NULL, &fn);
  napi_set_named_property(env, exports, "time", fn);
  return exports;
}
