/* The C side of the tuma benchmarks (run by `tuma-bench`, built by `make bench`).
 *
 *   bench seq sms|stk CONFIG_JSON CALLS      sequential calls/s through libtuma
 *   bench threads CONFIG_JSON THREADS CALLS  one client shared by THREADS pthreads
 *   bench serve CONFIG_JSON                  slices on request (see below)
 *
 * seq and threads print one JSON object: {"calls_per_sec": ...}. serve reads lines
 * "sms N" or "stk N" on stdin, makes N calls on its one client and answers each line with the
 * seconds they took, so that the bench can interleave it with another process.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tuma.h"

static const char *SMS = "{\"sender_id\":\"TUMA\",\"phone\":\"0712345678\",\"message\":\"Your order 1234 has shipped.\"}";
static const char *STK = "{\"phone\":\"0712345678\",\"amount\":10,\"account_reference\":\"INV-001\"}";

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(tuma_result r) {
    char *detail = NULL;
    tuma_last_error_json(&detail);
    fprintf(stderr, "tuma call failed: %s %s\n", tuma_result_message(r), detail ? detail : "");
    tuma_string_free(detail);
    exit(1);
}

static void call(const tuma_client *client, int stk) {
    char *out = NULL;
    tuma_result r = stk ? tuma_daraja_stk_push(client, STK, &out) : tuma_statum_send_sms(client, SMS, &out);
    if (r != TUMA_RESULT_OK) fail(r);
    tuma_string_free(out);
}

struct job {
    const tuma_client *client;
    long calls;
};

static void *worker(void *arg) {
    struct job *job = arg;
    for (long i = 0; i < job->calls; i++) call(job->client, 0);
    return NULL;
}

static int serve(const tuma_client *client) {
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        char mode[8];
        long calls;
        if (sscanf(line, "%7s %ld", mode, &calls) != 2) return 2;
        int stk = strcmp(mode, "stk") == 0;
        double start = now();
        for (long i = 0; i < calls; i++) call(client, stk);
        printf("%.9f\n", now() - start);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "serve") == 0) {
        tuma_client *client = NULL;
        tuma_result r = tuma_client_new(argv[2], &client);
        if (r != TUMA_RESULT_OK) fail(r);
        int rc = serve(client);
        tuma_client_free(client);
        return rc;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: bench seq sms|stk CONFIG CALLS | bench threads CONFIG THREADS CALLS\n");
        return 2;
    }
    tuma_client *client = NULL;
    int seq = strcmp(argv[1], "seq") == 0;
    tuma_result r = tuma_client_new(seq ? argv[3] : argv[2], &client);
    if (r != TUMA_RESULT_OK) fail(r);
    double rate;
    if (seq) {
        int stk = strcmp(argv[2], "stk") == 0;
        long calls = atol(argv[4]);
        for (long i = 0; i < calls / 10; i++) call(client, stk);
        double start = now();
        for (long i = 0; i < calls; i++) call(client, stk);
        rate = (double)calls / (now() - start);
    } else {
        int threads = atoi(argv[3]);
        long calls = atol(argv[4]);
        pthread_t *ids = calloc((size_t)threads, sizeof *ids);
        struct job job = {client, calls};
        double start = now();
        for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, worker, &job);
        for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
        rate = (double)(calls * threads) / (now() - start);
        free(ids);
    }
    tuma_client_free(client);
    printf("{\"calls_per_sec\": %.1f}\n", rate);
    return 0;
}
