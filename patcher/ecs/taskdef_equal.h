/* taskdef_equal.h: whether two task definitions are the same once the
 * defaults that ECS fills in on register are set aside, so that live mode
 * can tell "already patched with these options" from "needs a new
 * revision" although ECS hands back more than it was given. */
#ifndef FC_PATCHER_TASKDEF_EQUAL_H
#define FC_PATCHER_TASKDEF_EQUAL_H

#include <cjson/cJSON.h>

/* 1 when a and b (RegisterTaskDefinition shapes) are equal up to ECS's
 * defaults: members that are null, [] or {}, and a container's "cpu": 0
 * and "essential": true. Object member order does not matter; array order
 * does. 0 when they differ, -1 when out of memory. */
int taskdef_equal(const cJSON *a, const cJSON *b);

#endif
