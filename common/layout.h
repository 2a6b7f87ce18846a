/* layout.h: the names and paths that the patcher writes into a task
 * definition and that the init, the launcher and the sensor rely on at run
 * time. They are one contract, so they live in one place. */
#ifndef FC_LAYOUT_H
#define FC_LAYOUT_H

/* The init container; an application container may not use this name. */
#define FC_INIT_CONTAINER "crowdstrike-falcon-init-container"

/* The task volume shared between the init and the application containers,
 * and where it is mounted in each of them. */
#define FC_VOLUME "crowdstrike-falcon-volume"
#define FC_VOLUME_PATH "/tmp/CrowdStrike"

/* The init program inside the falcon-container image. The image's own
 * ENTRYPOINT is the patcher, so the init container must set entryPoint (not
 * command) to reach it. */
#define FC_INIT_PROGRAM "/opt/CrowdStrike/falcon-init"

/* Where the image keeps the payload that the init copies, and the name of
 * the file in it that lists every other file with its size, CRC-32 and mode
 * (format: init/manifest.h). */
#define FC_PAYLOAD_SOURCE "/opt/CrowdStrike/payload"
#define FC_MANIFEST "MANIFEST"

/* The payload directory on the shared volume. The init fills a temporary
 * directory beside it and renames it into place, so the application sees
 * the whole payload or none of it (the volume root itself cannot be renamed). */
#define FC_PAYLOAD_DIR FC_VOLUME_PATH "/falcon"

/* The launcher and the sensor as the application container sees them. */
#define FC_LAUNCHER FC_PAYLOAD_DIR "/falcon-launcher"
#define FC_SENSOR FC_PAYLOAD_DIR "/falcon-sensor"

/* Environment of a patched application container:
 * FC_ENV_OPTS        the sensor's options, "--cid=<CID> <falconctl-opts>";
 * FC_ENV_ENTRYPOINT  the original effective ENTRYPOINT as a JSON array of
 *                    strings; the effective command stays in `command`. */
#define FC_ENV_OPTS "FALCONCTL_OPTS"
#define FC_ENV_ENTRYPOINT "FALCON_APP_ENTRYPOINT"

/* The dockerLabels entry that opts a container out of injection. */
#define FC_LABEL_INJECTION "sensor.falcon-system.crowdstrike.com/injection"
#define FC_LABEL_DISABLED "disabled"

#endif
