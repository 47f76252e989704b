"""mrfpd's DPDK telemetry: the v2 socket of its runtime directory (--file-prefix), one JSON
answer per command. The DPDK runtime directory is not per network namespace: a test in any
namespace reads it. Never a key: mrfpd's telemetry has none to give."""
import json, socket


def path(prefix):
    return "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix


class Telemetry:
    """One connection; hello is the greeting mrfpd's telemetry sent on connect."""

    def __init__(self, prefix, timeout=5):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.sock.settimeout(timeout)
            self.sock.connect(path(prefix))
            self.hello = self.sock.recv(1 << 20).decode()
        except BaseException:
            self.sock.close()
            raise

    def text(self, cmd):
        """The answer to cmd ("/mrfp/leg,3"), as sent."""
        self.sock.send(cmd.encode())
        return self.sock.recv(1 << 20).decode()

    def query(self, cmd):
        """The value of cmd's answer: {"/mrfp/leg": VALUE} -> VALUE (None: not there yet)."""
        return json.loads(self.text(cmd))[cmd.split(",", 1)[0]]

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


def query(prefix, cmd, timeout=5):
    """One command on a connection of its own: the value of its answer."""
    with Telemetry(prefix, timeout) as t:
        return t.query(cmd)


def leg(prefix, leg_id):
    """/mrfp/leg,ID: a leg's counters and key counts (rx_keys, tx_keys, srtp_* drops...)."""
    return query(prefix, "/mrfp/leg,%d" % int(leg_id))
