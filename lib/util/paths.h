/* paths: compile-time installation directories as string literals. */
#ifndef ECHOMX_PATHS_H
#define ECHOMX_PATHS_H
#ifndef ECHOMX_SYSCONFDIR
#define ECHOMX_SYSCONFDIR "/etc"
#endif
#ifndef ECHOMX_PREFIX
#define ECHOMX_PREFIX "/usr/local"
#endif
#define ECHOMX_SYSCONFDIR_S ECHOMX_SYSCONFDIR
#define ECHOMX_PREFIX_S ECHOMX_PREFIX
#endif
