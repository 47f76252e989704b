/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test messages. "rfc3525_*": the example call flow of RFC 3525 Appendix A.1 (= ITU-T H.248.1
 * Appendix I), long tokens, as published (text taken from the copy quoted in Erlang/OTP's
 * lib/megaco/test/megaco_call_flow_test.erl). "otp_*": the same messages decoded and
 * re-encoded by Erlang/OTP 25 megaco's compact text encoder (megaco_compact_text_encoder,
 * Debian erlang-megaco), which lower-cases names.
 */
#ifndef H248_VECTORS_H
#define H248_VECTORS_H

struct h248_vector {
	const char *name;
	const char *text;
	const char *pair; /* name of the same message in the other form, or NULL */
};

/* RFC 3525 A.1 step 1. MG1 registers: ServiceChange Restart */
static const char rfc3525_msg1[] = "MEGACO/1 [124.124.124.222]\n"
				   "Transaction = 9998 {\n"
				   "    Context = - {\n"
				   "        ServiceChange = ROOT {Services {\n"
				   "            Method=Restart,\n"
				   "            ServiceChangeAddress=55555, Profile=ResGW/1}\n"
				   "        }\n"
				   "    }\n"
				   "}\n";

/* RFC 3525 A.1 step 2. MGC replies to the ServiceChange */
static const char rfc3525_msg2[] =
	"MEGACO/1 [123.123.123.4]:55555\n"
	"Reply = 9998 {\n"
	"   Context = - {ServiceChange = ROOT {\n"
	"     Services {ServiceChangeAddress=55555, Profile=ResGW/1} } }\n"
	"}\n";

/* RFC 3525 A.1 step 3. Modify A4444 in the NULL context: LocalControl, Local SDP (with a comment
 * inside), Events */
static const char rfc3525_msg3[] = "MEGACO/1 [123.123.123.4]:55555\n"
				   "Transaction = 9999 {\n"
				   "    Context = - {\n"
				   "        Modify = A4444 {\n"
				   "            Media { Stream = 1 {\n"
				   "                     LocalControl {\n"
				   "                         Mode = SendReceive,\n"
				   "                         tdmc/gain=2,  ; in dB,\n"
				   "                         tdmc/ec=G165\n"
				   "                     },\n"
				   "                     Local {\n"
				   "v=0\n"
				   "c=IN IP4 $\n"
				   "m=audio $ RTP/AVP 0\n"
				   "a=fmtp:PCMU VAD=X-NNVAD ; special voice activity\n"
				   "                        ; detection algorithm\n"
				   "                     }\n"
				   "                 }\n"
				   "            },\n"
				   "            Events = 2222 {al/of}\n"
				   "        }\n"
				   "    }\n"
				   "}\n";

/* RFC 3525 A.1 step 6. Notify off-hook */
static const char rfc3525_msg6[] = "MEGACO/1 [124.124.124.222]:55555\n"
				   "Transaction = 10000 {\n"
				   "   Context = - {\n"
				   "       Notify = A4444 {ObservedEvents =2222 {\n"
				   "         19990729T22000000:al/of}}\n"
				   "   }\n"
				   "}\n";

/* RFC 3525 A.1 step 9. Modify with Events, Signals and a DigitMap body */
static const char rfc3525_msg9[] =
	"MEGACO/1 [123.123.123.4]:55555\n"
	"Transaction = 10001 {\n"
	"    Context = - {\n"
	"        Modify = A4444 {\n"
	"            Events = 2223 {\n"
	"                al/on, dd/ce {DigitMap=Dialplan0}\n"
	"            },\n"
	"            Signals {cg/dt},\n"
	"            DigitMap= Dialplan0{\n"
	"(0S| 00S|[1-7]xLxx|8Lxxxxxxx|#xxxxxxx|*xx|9L1xxxxxxxxxx|9L011x.S)}\n"
	"        }\n"
	"    }\n"
	"}\n";

/* RFC 3525 A.1 step 11. Notify with a digit string parameter */
static const char rfc3525_msg11[] = "MEGACO/1 [124.124.124.222]:55555\n"
				    "Transaction = 10002 {\n"
				    "   Context = - {\n"
				    "       Notify = A4444 {ObservedEvents =2223 {\n"
				    "         19990729T22010001:dd/ce{ds=\"916135551212\"}}}\n"
				    "   }\n"
				    "}\n";

/* RFC 3525 A.1 step 13. Add A4444 and Add $ in Context $ (trailing comma of the published text
 * removed) */
static const char rfc3525_msg13[] = "MEGACO/1 [123.123.123.4]:55555\n"
				    "Transaction = 10003 {\n"
				    "    Context = $ {\n"
				    "       Add = A4444,\n"
				    "       Add = $ {\n"
				    "           Media {\n"
				    "             Stream = 1 {\n"
				    "                  LocalControl {\n"
				    "                      Mode = ReceiveOnly,\n"
				    "\n"
				    "                      nt/jit=40 ; in ms\n"
				    "                  },\n"
				    "                  Local {\n"
				    "v=0\n"
				    "c=IN IP4 $\n"
				    "m=audio $ RTP/AVP 4\n"
				    "a=ptime:30\n"
				    "v=0\n"
				    "c=IN IP4 $\n"
				    "m=audio $ RTP/AVP 0\n"
				    "                  }\n"
				    "             }\n"
				    "          }\n"
				    "       }\n"
				    "    }\n"
				    "}\n";

/* RFC 3525 A.1 step 14. Reply with the chosen Local SDP */
static const char rfc3525_msg14[] = "MEGACO/1 [124.124.124.222]:55555\n"
				    "Reply = 10003 {\n"
				    "   Context = 2000 {\n"
				    "      Add = A4444,\n"
				    "      Add=A4445{\n"
				    "         Media {\n"
				    "             Stream = 1 {\n"
				    "                 Local {\n"
				    "v=0\n"
				    "c=IN IP4 124.124.124.222\n"
				    "m=audio 2222 RTP/AVP 4\n"
				    "a=ptime:30\n"
				    "a=recvonly\n"
				    "                 } ; RTP profile for G.723 is 4\n"
				    "             }\n"
				    "         }\n"
				    "      }\n"
				    "   }\n"
				    "}\n";

/* RFC 3525 A.1 step 15. Add with Local and Remote SDP, Signals */
static const char rfc3525_msg15[] = "MEGACO/1 [123.123.123.4]:55555\n"
				    "Transaction = 50003 {\n"
				    "    Context = $ {\n"
				    "       Add = A5555  { Media {\n"
				    "            Stream = 1 {\n"
				    "                 LocalControl {Mode = SendReceive} }},\n"
				    "            Signals {al/ri}\n"
				    "            },\n"
				    "       Add  = $ {Media {\n"
				    "            Stream = 1 {\n"
				    "                 LocalControl {\n"
				    "                    Mode = SendReceive,\n"
				    "                    nt/jit=40 ; in ms\n"
				    "                 },\n"
				    "                 Local {\n"
				    "v=0\n"
				    "c=IN IP4 $\n"
				    "m=audio $ RTP/AVP 4\n"
				    "a=ptime:30\n"
				    "                 },\n"
				    "                 Remote {\n"
				    "v=0\n"
				    "c=IN IP4 124.124.124.222\n"
				    "m=audio 2222 RTP/AVP 4\n"
				    "a=ptime:30\n"
				    "                 } ; RTP profile for G.723 is 4\n"
				    "             }\n"
				    "          }\n"
				    "      }\n"
				    "   }\n"
				    "}\n";

/* RFC 3525 A.1 step 18. Modify with an empty Signals descriptor */
static const char rfc3525_msg18c[] = "MEGACO/1 [123.123.123.4]:55555\n"
				     "Transaction = 50006 {\n"
				     "   Context = 5000 {\n"
				     "      Modify = A5555 {\n"
				     "         Events = 1235 {al/on},\n"
				     "         Signals { } ; to turn off ringing\n"
				     "      }\n"
				     "   }\n"
				     "}\n";

/* RFC 3525 A.1 step 20. AuditValue */
static const char rfc3525_msg20[] =
	"MEGACO/1 [123.123.123.4]:55555\n"
	"Transaction = 50007 {\n"
	"   Context = - {AuditValue = A5556{\n"
	"      Audit{Media, DigitMap, Events, Signals, Packages, Statistics }}\n"
	"   }\n"
	"}\n";

/* RFC 3525 A.1 step 21. AuditValue reply: Media, Packages, Statistics */
static const char rfc3525_msg21[] = "MEGACO/1 [125.125.125.111]:55555\n"
				    "Reply = 50007 {\n"
				    "   Context = - {\n"
				    "AuditValue = A5556 {\n"
				    "          Media {\n"
				    "             Stream = 1 {\n"
				    "                 LocalControl { Mode = SendReceive,\n"
				    "                    nt/jit=40 },\n"
				    "                 Local {\n"
				    "v=0\n"
				    "c=IN IP4 125.125.125.111\n"
				    "m=audio 1111 RTP/AVP  4\n"
				    "a=ptime:30\n"
				    "                },\n"
				    "                 Remote {\n"
				    "v=0\n"
				    "c=IN IP4 124.124.124.222\n"
				    "m=audio 2222 RTP/AVP  4\n"
				    "a=ptime:30\n"
				    "                 } } },\n"
				    "          Packages {nt-1, rtp-1},\n"
				    "          Statistics { rtp/ps=1200,  ; packets sent\n"
				    "                       nt/os=62300, ; octets sent\n"
				    "                       rtp/pr=700, ; packets received\n"
				    "                       nt/or=45100, ; octets received\n"
				    "                       rtp/pl=0.2,  ; % packet loss\n"
				    "                       rtp/jit=20,\n"
				    "                       rtp/delay=40 } ; avg latency\n"
				    "       }\n"
				    "    }\n"
				    "}\n";

/* RFC 3525 A.1 step 23. Subtract with Audit{Statistics} */
static const char rfc3525_msg23a[] = "MEGACO/1 [123.123.123.4]:55555\n"
				     "Transaction = 50009 {\n"
				     "   Context = 5000 {\n"
				     "      Subtract = A5555 {Audit{Statistics}},\n"
				     "      Subtract = A5556 {Audit{Statistics}}\n"
				     "   }\n"
				     "}\n";

/* RFC 3525 A.1 step 23. Subtract reply with Statistics */
static const char rfc3525_msg23b[] = "MEGACO/1 [125.125.125.111]:55555\n"
				     "Reply = 50009 {\n"
				     "   Context = 5000 {\n"
				     "     Subtract = A5555 {\n"
				     "          Statistics {\n"
				     "             nt/os=45123, ; Octets Sent\n"
				     "             nt/dur=40 ; in seconds\n"
				     "             }\n"
				     "       },\n"
				     "       Subtract = A5556 {\n"
				     "          Statistics {\n"
				     "             rtp/ps=1245, ; packets sent\n"
				     "             nt/os=62345, ; octets sent\n"
				     "             rtp/pr=780, ; packets received\n"
				     "             nt/or=45123, ; octets received\n"
				     "             rtp/pl=10, ;  % packets lost\n"
				     "             rtp/jit=27,\n"
				     "             rtp/delay=48 ; average latency\n"
				     "          }\n"
				     "       }\n"
				     "   }\n"
				     "}\n";

static const char otp_msg2[] = "!/1 [123.123.123.4]:55555\n"
			       "P=9998{C=-{SC=root{SV{AD=55555,PF=resgw/1}}}}\n";

static const char otp_msg6[] = "!/1 [124.124.124.222]:55555\n"
			       "T=10000{C=-{N=a4444{OE=2222{19990729T22000000:al/of}}}}\n";

static const char otp_msg9[] =
	"!/1 [123.123.123.4]:55555\n"
	"T=10001{C=-{MF=a4444{E=2223{al/on,dd/ce{DM=dialplan0}},SG{cg/dt},DM=dialplan0{(0S| "
	"00S|[1-7]xLxx|8Lxxxxxxx|#xxxxxxx|*xx|9L1xxxxxxxxxx|9L011x.S)}}}}\n";

static const char otp_msg11[] =
	"!/1 [124.124.124.222]:55555\n"
	"T=10002{C=-{N=a4444{OE=2223{19990729T22010001:dd/ce{ds=\"916135551212\"}}}}}\n";

static const char otp_msg13[] = "!/1 [123.123.123.4]:55555\n"
				"T=10003{C=${A=a4444,A=${M{ST=1{O{MO=RC,nt/jit=40},L{\n"
				"v=0\n"
				"c=IN IP4 $\n"
				"m=audio $ RTP/AVP 4\n"
				"a=ptime:30\n"
				"v=0\n"
				"c=IN IP4 $\n"
				"m=audio $ RTP/AVP 0\n"
				"}}}}}}\n";

static const char otp_msg14[] = "!/1 [124.124.124.222]:55555\n"
				"P=10003{C=2000{A=a4444,A=a4445{M{ST=1{L{\n"
				"v=0\n"
				"c=IN IP4 124.124.124.222\n"
				"m=audio 2222 RTP/AVP 4\n"
				"a=ptime:30\n"
				"a=recvonly\n"
				"}}}}}}\n";

static const char otp_msg15[] =
	"!/1 [123.123.123.4]:55555\n"
	"T=50003{C=${A=a5555{M{ST=1{O{MO=SR}}},SG{al/ri}},A=${M{ST=1{O{MO=SR,nt/jit=40},L{\n"
	"v=0\n"
	"c=IN IP4 $\n"
	"m=audio $ RTP/AVP 4\n"
	"a=ptime:30\n"
	"},R{\n"
	"v=0\n"
	"c=IN IP4 124.124.124.222\n"
	"m=audio 2222 RTP/AVP 4\n"
	"a=ptime:30\n"
	"}}}}}}\n";

static const char otp_msg20[] = "!/1 [123.123.123.4]:55555\n"
				"T=50007{C=-{AV=a5556{AT{M,DM,E,SG,PG,SA}}}}\n";

static const char otp_msg21[] = "!/1 [125.125.125.111]:55555\n"
				"P=50007{C=-{AV=a5556{M{ST=1{O{MO=SR,nt/jit=40},L{\n"
				"v=0\n"
				"c=IN IP4 125.125.125.111\n"
				"m=audio 1111 RTP/AVP  4\n"
				"a=ptime:30\n"
				"},R{\n"
				"v=0\n"
				"c=IN IP4 124.124.124.222\n"
				"m=audio 2222 RTP/AVP  4\n"
				"a=ptime:30\n"
				"}}},PG{nt-1,rtp-1},SA{rtp/ps=1200,nt/os=62300,rtp/pr=700,nt/"
				"or=45100,rtp/pl=0.2,rtp/jit=20,rtp/delay=40}}}}\n";

static const char otp_msg23a[] = "!/1 [123.123.123.4]:55555\n"
				 "T=50009{C=5000{S=a5555{AT{SA}},S=a5556{AT{SA}}}}\n";

static const char otp_msg23b[] =
	"!/1 [125.125.125.111]:55555\n"
	"P=50009{C=5000{S=a5555{SA{nt/os=45123,nt/dur=40}},S=a5556{SA{rtp/ps=1245,nt/os=62345,rtp/"
	"pr=780,nt/or=45123,rtp/pl=10,rtp/jit=27,rtp/delay=48}}}}\n";

static const struct h248_vector h248_vectors[] = {
	{"rfc3525_msg1", rfc3525_msg1, NULL},
	{"rfc3525_msg2", rfc3525_msg2, "otp_msg2"},
	{"rfc3525_msg3", rfc3525_msg3, NULL},
	{"rfc3525_msg6", rfc3525_msg6, "otp_msg6"},
	{"rfc3525_msg9", rfc3525_msg9, "otp_msg9"},
	{"rfc3525_msg11", rfc3525_msg11, "otp_msg11"},
	{"rfc3525_msg13", rfc3525_msg13, "otp_msg13"},
	{"rfc3525_msg14", rfc3525_msg14, "otp_msg14"},
	{"rfc3525_msg15", rfc3525_msg15, "otp_msg15"},
	{"rfc3525_msg18c", rfc3525_msg18c, NULL},
	{"rfc3525_msg20", rfc3525_msg20, "otp_msg20"},
	{"rfc3525_msg21", rfc3525_msg21, "otp_msg21"},
	{"rfc3525_msg23a", rfc3525_msg23a, "otp_msg23a"},
	{"rfc3525_msg23b", rfc3525_msg23b, "otp_msg23b"},
	{"otp_msg2", otp_msg2, "rfc3525_msg2"},
	{"otp_msg6", otp_msg6, "rfc3525_msg6"},
	{"otp_msg9", otp_msg9, "rfc3525_msg9"},
	{"otp_msg11", otp_msg11, "rfc3525_msg11"},
	{"otp_msg13", otp_msg13, "rfc3525_msg13"},
	{"otp_msg14", otp_msg14, "rfc3525_msg14"},
	{"otp_msg15", otp_msg15, "rfc3525_msg15"},
	{"otp_msg20", otp_msg20, "rfc3525_msg20"},
	{"otp_msg21", otp_msg21, "rfc3525_msg21"},
	{"otp_msg23a", otp_msg23a, "rfc3525_msg23a"},
	{"otp_msg23b", otp_msg23b, "rfc3525_msg23b"},
};
#define H248_NVECTORS (sizeof(h248_vectors) / sizeof(h248_vectors[0]))

#endif
