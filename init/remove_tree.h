/* remove_tree.h: deleting a file or a directory tree by name under a
 * directory fd, without following symbolic links out of it. The init uses it
 * for its temporary directory, for stale ones left by a crash, and for the
 * previous payload after swapping in a new one. */
#ifndef FC_REMOVE_TREE_H
#define FC_REMOVE_TREE_H

/* Removes name under dirfd, recursing at most 16 directories deep.
 * Returns 0, or -1 with errno set; ENOENT counts as success. */
int remove_tree_at(int dirfd, const char *name);

#endif
