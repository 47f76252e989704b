"""The Python side of the end-to-end lab (tests/e2e/lab.sh): a director runs in mrfpd's
namespace as the MRFC and drives participants in the peers namespace."""


def director_args(parser):
    """The options every director takes; the test scripts pass them from lab.sh's settings."""
    parser.add_argument("--peers-ns", required=True, help="the participants' namespace (LAB_NS_PEERS)")
    parser.add_argument("--prefix", required=True, help="mrfpd's --file-prefix (LAB_PREFIX): telemetry")
    parser.add_argument("--dir", required=True, help="this call's directory (LAB_DIR)")
    parser.add_argument("--lab-root", required=True, help="the lab's directory (LAB_ROOT): no key there")
    parser.add_argument("--mp-port", type=int, default=2944, help="mrfpd's Mp port (LAB_MP_PORT)")
    parser.add_argument("--mgc-port", type=int, default=2945, help="the MGC's port (LAB_MGC_PORT)")
