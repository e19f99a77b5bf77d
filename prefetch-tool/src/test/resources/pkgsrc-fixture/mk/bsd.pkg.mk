# Fake pkgsrc mk/bsd.pkg.mk for distvault's tests: only the variables and targets the
# prefetch scanner reads, with the same definitions as pkgsrc's mk/fetch/bsd.fetch-vars.mk,
# mk/fetch/fetch.mk, mk/checksum/bsd.checksum-vars.mk and mk/bsd.pkg.mk.

ECHO?=			echo
PKGPATH?=		${.CURDIR:C|.*/([^/]*/[^/]*)$|\1|}
PKGDIR?=		${.CURDIR}
EXTRACT_SUFX?=		.tar.gz
PKGNAME?=		${DISTNAME}
DISTINFO_FILE?=		${PKGDIR}/distinfo
MASTER_SITE_BACKUP?=	http://backup.example/pub/pkgsrc/distfiles/

# mk/fetch/bsd.fetch-vars.mk
.if defined(DISTNAME) && !empty(DISTNAME)
DEFAULT_DISTFILES=	${DISTNAME}${EXTRACT_SUFX}
.endif
DISTFILES?=		${DEFAULT_DISTFILES}

ALLFILES?=	${DISTFILES} ${PATCHFILES}
ALLFILES:=	${ALLFILES:O:u}		# remove duplicates
CKSUMFILES?=	${ALLFILES}
.for __tmp__ in ${IGNOREFILES}
CKSUMFILES:=	${CKSUMFILES:N${__tmp__}}
.endfor

.if defined(DIST_SUBDIR) && !empty(DIST_SUBDIR)
_CKSUMFILES?=	${CKSUMFILES:@.f.@${DIST_SUBDIR}/${.f.}@}
_DISTFILES?=	${DISTFILES:@.f.@${DIST_SUBDIR}/${.f.}@}
_PATCHFILES?=	${PATCHFILES:@.f.@${DIST_SUBDIR}/${.f.}@}
.else
_CKSUMFILES?=	${CKSUMFILES}
_DISTFILES?=	${DISTFILES}
_PATCHFILES?=	${PATCHFILES}
.endif
_ALLFILES?=	${_DISTFILES} ${_PATCHFILES}
_ALLFILES:=	${_ALLFILES:O:u}	# remove duplicates

# mk/fetch/fetch.mk
_MASTER_SITE_BACKUP=	${MASTER_SITE_BACKUP:=${DIST_SUBDIR}${DIST_SUBDIR:D/}}
_MASTER_SITE_OVERRIDE=	${MASTER_SITE_OVERRIDE:=${DIST_SUBDIR}${DIST_SUBDIR:D/}}

.if !empty(_DISTFILES)
.  for fetchfile in ${_DISTFILES}
SITES.${fetchfile:T:S/=/--/}?= ${MASTER_SITES}
.  endfor
.endif
.if !empty(_PATCHFILES)
.  for fetchfile in ${_PATCHFILES}
SITES.${fetchfile:T:S/=/--/}?= ${PATCH_SITES}
.  endfor
.endif

# mk/bsd.pkg.mk
.PHONY: show-var
show-var:
	@${ECHO} ${${VARNAME}:Q}

.PHONY: show-vars
show-vars:
.for VARNAME in ${VARNAMES}
	@${ECHO} ${${VARNAME}:Q}
.endfor
