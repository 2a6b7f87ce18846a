/* sensor_start.c: finding the sensor and executing it. */
#include "sensor_start.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"

char *sensor_locate(void)
{
	const char *base = strrchr(FC_SENSOR, '/') + 1;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash, *path;

	if (n <= 0)
		return strdup(FC_SENSOR);
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return strdup(FC_SENSOR);
	slash[1] = '\0';
	if (asprintf(&path, "%s%s", self, base) < 0)
		return NULL;
	return path;
}

int sensor_exec(const char *sensor, const char *const *opts, size_t nopts,
		const char *app_path, char *const *argv, size_t argc)
{
	const char **args = calloc(nopts + argc + 4, sizeof *args);
	size_t n = 0;

	if (!args)
		return ENOMEM;
	args[n++] = strrchr(FC_SENSOR, '/') + 1;
	for (size_t i = 0; i < nopts; i++)
		args[n++] = opts[i];
	args[n++] = "--";
	args[n++] = app_path;
	for (size_t i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	/* execve's argv is not const for historical reasons only. */
	execve(sensor, (char *const *)(void *)args, environ);
	free(args);
	return errno;
}
