/* SPDX-License-Identifier: BSD-3-Clause */
/* mrfpctl: an MRFC in a command (see mrfpctl.h, `mrfpctl help`). */
#include <stdio.h>

#include "mrfpctl.h"

int
main(int argc, char **argv)
{
	return mrfpctl_main(argc, argv, stdout, stderr);
}
