#define _GNU_SOURCE
#include <unistd.h>
#include "CSystemShims.h"

int katib_sa_syncfs(int fd) { return syncfs(fd); }
