/* Shared by the shim's translation units; not part of the C# surface. */
#ifndef FAM_INTERNAL_H
#define FAM_INTERNAL_H

#include "fastav_media.h"

int fam_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fam_fail_av(int averror, const char *what);
void fam_init_once(void);

#endif
