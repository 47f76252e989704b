"""What the Python tests (tests/mp, tests/e2e) and benchmarks (bench/*.py) of mrfp share.

  mrfptest.mp         the MGC's side of Mp (H.248.1 text over UDP), and an mrfpd run on a
                      DPDK null or pcap port whose MGC is the calling process
  mrfptest.telemetry  mrfpd's DPDK telemetry socket (JSON): /mrfp/leg, /mrfp/ipsec, ...
  mrfptest.srtp       an independent SRTP (RFC 3711, AES_CM_128_HMAC_SHA1_80, MKI)
  mrfptest.pcap       classic pcap files read and written
  mrfptest.checks     "ok"/"FAIL" lines and their tally; files of a lab that hold a key
  mrfptest.lab        what a director of the e2e lab (tests/e2e/lab.sh) is told

Users put this directory's parent on sys.path themselves, relative to their own file (no
install step), e.g. in tests/mp/x.py:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "pylib"))
Standard library only, but for mrfptest.srtp (python3-cryptography)."""
