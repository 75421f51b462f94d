#ifndef KATIB_SA_SYSTEM_SHIMS_H
#define KATIB_SA_SYSTEM_SHIMS_H

/// syncfs(2): flush every file of the file system holding `fd` in one call. Glibc declares it
/// only under _GNU_SOURCE, which Swift's Glibc module does not set.
int katib_sa_syncfs(int fd);

#endif
