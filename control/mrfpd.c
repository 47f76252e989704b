/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrfpd: EAL init, settings, dataplane start, then the control loop on the main lcore until
 * SIGINT/SIGTERM (or the end of the lab feed).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "ctl.h"
#include "mrfp_config.h"
#include "mrfp_dp.h"

RTE_LOG_REGISTER(mrfp_logtype_ctl, mrfp.ctl, INFO);
#define CTL_LOG(level, fmt, ...)                                                               \
	rte_log(RTE_LOG_##level, mrfp_logtype_ctl, "CTL: " fmt "\n", ##__VA_ARGS__)

#define LOOP_MS 10

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* Keys live in this process: keep them out of swap and out of core dumps. */
static void
protect_key_memory(void)
{
	if (prctl(PR_SET_DUMPABLE, 0) != 0)
		CTL_LOG(WARNING, "cannot disable core dumps: %s", strerror(errno));
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		CTL_LOG(WARNING, "cannot lock memory (keys could be swapped): %s", strerror(errno));
}

static int
load_settings(struct mrfp_config *cfg, int argc, char **argv)
{
	char err[256] = "";
	mrfp_config_defaults(cfg);
	int rc = mrfp_config_parse_args(cfg, argc, argv, err, sizeof(err));
	if (rc == 0)
		rc = mrfp_config_validate(cfg, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "mrfpd: %s (see --help)\n", err);
	return rc;
}

/* Worker events: logged, and in a lab also printed for the harness (Mp Notify later). */
static void
on_event(const struct mrfp_event *ev, void *arg)
{
	const struct mrfp_config *cfg = arg;
	CTL_LOG(WARNING, "event %s conf %u leg %u ssrc 0x%08x", mrfp_event_name(ev->type),
		ev->conf_id, ev->leg_id, ev->ssrc);
	if (cfg->lab_feed) {
		printf("event %s conf %u leg %u ssrc 0x%08x\n", mrfp_event_name(ev->type),
		       ev->conf_id, ev->leg_id, ev->ssrc);
		fflush(stdout);
	}
}

static void
control_loop(struct mrfp_dp *dp, const struct mrfp_config *cfg)
{
	bool feed = cfg->lab_feed;
	while (!stop_signal && !mrfp_dp_stopping(dp)) {
		if (feed) {
			if (mrfp_lab_feed_poll(dp, stdout, LOOP_MS) == 0)
				break;
		} else {
			rte_delay_us_sleep(LOOP_MS * 1000);
		}
		mrfp_dp_reap(dp);
		mrfp_dp_poll_events(dp, on_event, (void *)(uintptr_t)cfg);
	}
}

int
main(int argc, char **argv)
{
	struct mrfp_config cfg;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	int n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "mrfpd: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argv[n] = argv[0];
	int rc = load_settings(&cfg, argc - n, argv + n);
	if (rc != 0) {
		rte_eal_cleanup();
		return rc > 0 ? 0 : 2;
	}
	protect_key_memory();
	struct mrfp_dp *dp = mrfp_dp_create(&cfg);
	if (dp == NULL) {
		fprintf(stderr, "mrfpd: dataplane start failed: %s\n", rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	if (mrfp_telemetry_init(dp) < 0)
		CTL_LOG(WARNING, "telemetry commands not registered");
	if (mrfp_dp_start(dp) < 0) {
		mrfp_dp_destroy(dp);
		rte_eal_cleanup();
		return 1;
	}
	CTL_LOG(INFO, "running%s", cfg.lab_feed ? "; lab provisioning on stdin" : "");
	control_loop(dp, &cfg);
	CTL_LOG(INFO, "stopping (%s)", stop_signal ? strsignal(stop_signal) : "end of lab feed");
	mrfp_report_counters(dp, stdout);
	mrfp_dp_destroy(dp);
	rte_eal_cleanup();
	return 0;
}
