/* sensor_start.h: replacing the launcher with the sensor, which then runs
 * the application under supervision. */
#ifndef FC_SENSOR_START_H
#define FC_SENSOR_START_H

#include <stddef.h>

/* The sensor beside this launcher (the payload directory may be mounted
 * anywhere), found through /proc/self/exe; the layout's FC_SENSOR when /proc
 * cannot tell. Returns a malloc'd path, or NULL when out of memory. */
char *sensor_locate(void);

/* Executes `sensor opts... -- app_path argv...` with the current
 * environment. Returns only on failure, with the errno of execve. */
int sensor_exec(const char *sensor, const char *const *opts, size_t nopts,
		const char *app_path, char *const *argv, size_t argc);

#endif
