/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mrfpd: EAL init, settings, dataplane start, then the control loop on the main lcore until
 * SIGINT/SIGTERM (or the end of the lab feed).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
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

#include "mrfp_log.h"

#include "ctl.h"
#include "ipsec_guard.h"
#include "metrics.h"
#include "mp.h"
#include "mrfp_config.h"
#include "mrfp_dp.h"
#include "notify.h"

RTE_LOG_REGISTER(mrfp_logtype_ctl, mrfp.ctl, INFO);
#define CTL_LOG(level, fmt, ...) MRFP_LOG(mrfp_logtype_ctl, "CTL", level, fmt, ##__VA_ARGS__)

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
	if (rc == 0 && cfg->insecure_lab && cfg->mgc.family != 0)
		fprintf(stderr, "mrfpd: WARNING: insecure-lab: Mp (H.248 carrying SRTP keys) runs "
				"WITHOUT IPsec. Lab use only, never in a network.\n");
	return rc;
}

struct control {
	struct mrfp_dp *dp;
	const struct mrfp_config *cfg;
	struct mrfp_mp *mp;
	struct mrfp_metrics *metrics; /* NULL without --metrics-listen */
};

/* Worker events: logged, to the MGC as Notify, and in a lab also printed for the harness. */
static void
on_event(const struct mrfp_event *ev, void *arg)
{
	struct control *ctl = arg;
	CTL_LOG(WARNING, "event %s conf %u leg %u ssrc 0x%08x", mrfp_event_name(ev->type),
		ev->conf_id, ev->leg_id, ev->ssrc);
	metrics_event(ctl->metrics, ev);
	if (ctl->mp != NULL)
		mp_event(ctl->mp, ev, mp_now_ms());
	if (ctl->cfg->lab_feed) {
		printf("event %s conf %u leg %u ssrc 0x%08x\n", mrfp_event_name(ev->type),
		       ev->conf_id, ev->leg_id, ev->ssrc);
		fflush(stdout);
	}
}

/* Wait for the Mp socket or the lab feed, at most LOOP_MS. 0 when the lab feed ended. */
static int
wait_input(struct control *ctl)
{
	struct pollfd pfd[1];
	if (ctl->cfg->lab_feed)
		return lab_feed_poll(ctl->dp, stdout, ctl->mp ? 0 : LOOP_MS);
	if (ctl->mp == NULL) {
		rte_delay_us_sleep(LOOP_MS * 1000);
		return 1;
	}
	pfd[0] = (struct pollfd){.fd = mp_fd(ctl->mp), .events = POLLIN};
	poll(pfd, 1, LOOP_MS);
	return 1;
}

/* One line for the lab logs and the operator: how Mp was protected, what was dropped. */
static void
report_mp_security(FILE *out)
{
	struct mp_sec_status s;
	mp_sec_status(&s);
	fprintf(out, "mp security=%s reason=\"%s\"", mp_security_name(s.state),
		s.state == MRFP_MP_INSECURE_LAB ? "" : ipsec_reason_text(s.reason));
#define PRINT(n) fprintf(out, " " #n "=%" PRIu64, s.n);
	MRFP_MP_SEC_COUNTERS(PRINT)
#undef PRINT
	fputc('\n', out);
}

/* SIGTERM with Mp and --drain-timeout: drain first (the signal is taken back so the loop
 * goes on); a second signal, or no Mp, stops at once. */
static bool
stop_now(struct control *ctl, bool *draining)
{
	if (!stop_signal)
		return false;
	if (ctl->mp == NULL || ctl->cfg->drain_ms == 0 || *draining)
		return true;
	*draining = true;
	stop_signal = 0;
	mp_drain_start(ctl->mp, ctl->cfg->drain_ms, mp_now_ms());
	return false;
}

static void
control_loop(struct control *ctl)
{
	bool draining = false;
	while (!stop_now(ctl, &draining) && !mrfp_dp_stopping(ctl->dp)) {
		if (ctl->mp != NULL && mp_drain_done(ctl->mp, mp_now_ms()))
			break; /* drained: ServiceChange Forced went */
		if (wait_input(ctl) == 0)
			break;
		if (ctl->mp != NULL) {
			if (ctl->cfg->lab_feed) { /* both: a short wait on the Mp socket too */
				struct pollfd pfd = {.fd = mp_fd(ctl->mp), .events = POLLIN};
				poll(&pfd, 1, LOOP_MS);
			}
			mp_poll(ctl->mp, mp_now_ms());
		}
		mrfp_dp_reap(ctl->dp);
		mrfp_dp_poll_events(ctl->dp, on_event, ctl);
		metrics_poll(ctl->metrics);
	}
}

/* Sessions go with the dataplane; then the burst engine's intel-ipsec-mb managers, which live
 * in EAL memory, are wiped and freed before EAL releases that memory. */
static void
shutdown_dataplane(struct mrfp_dp *dp)
{
	mrfp_dp_destroy(dp);
	mrfp_srtp_burst_fini();
	rte_eal_cleanup();
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
	if (telemetry_init(dp) < 0)
		CTL_LOG(WARNING, "telemetry commands not registered");
	if (mrfp_dp_start(dp) < 0) {
		shutdown_dataplane(dp);
		return 1;
	}
	struct control ctl = {.dp = dp, .cfg = &cfg};
	if (cfg.mgc.family != 0 && (ctl.mp = mp_create(dp, &cfg)) == NULL) {
		fprintf(stderr, "mrfpd: Mp interface failed: %s\n", strerror(errno));
		shutdown_dataplane(dp);
		return 1;
	}
	if (cfg.metrics_listen.family != 0 &&
	    (ctl.metrics = metrics_create(dp, ctl.mp, &cfg)) == NULL) {
		fprintf(stderr, "mrfpd: metrics endpoint failed: %s\n", strerror(errno));
		mp_free(ctl.mp);
		shutdown_dataplane(dp);
		return 1;
	}
	CTL_LOG(INFO, "running%s%s", cfg.lab_feed ? "; lab provisioning on stdin" : "",
		ctl.mp ? "; Mp (H.248) to the MGC" : "");
	mrfp_notify_ready(); /* systemd Type=notify: serving */
	control_loop(&ctl);
	mrfp_notify_stopping();
	metrics_free(ctl.metrics);
	mp_free(ctl.mp);
	CTL_LOG(INFO, "stopping (%s)",
		stop_signal ? strsignal(stop_signal) : "feed ended, or drained");
	report_counters(dp, stdout);
	if (cfg.mgc.family != 0)
		report_mp_security(stdout);
	shutdown_dataplane(dp);
	return 0;
}
