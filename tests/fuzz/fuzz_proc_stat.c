/* fuzz_proc_stat.c: libFuzzer target for reading /proc/PID/stat, whose
 * command name (up to 15 bytes, any of them, ')' and spaces too) is the
 * process's own choice: an entrant names itself to mislead the sensor
 * about its terminal or its state. The reader must take the fields after
 * the last ')', read nothing outside the text, and agree with a second,
 * naive reading of the same text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	struct proc_stat ps = { 0 };
	const char *close;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	close = strrchr(buf, ')');
	if (procfs_parse_stat(buf, &ps) == 0) {
		/* Accepted: there was a ')' followed by " X", and the state is
		 * that X. */
		if (!close || close[1] != ' ' || ps.state != close[2])
			abort();
	} else if (close && close[1] == ' ' && close[2] && close[3] == ' ' &&
		   strncmp(close + 4, "1 2 3 4 ", 8) == 0) {
		/* Numbers after the state are never refused. */
		abort();
	}
	free(buf);
	return 0;
}
