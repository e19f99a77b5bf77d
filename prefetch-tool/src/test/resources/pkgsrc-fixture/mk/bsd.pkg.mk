# Fake pkgsrc mk/bsd.pkg.mk for distvault's tests: only the variables and targets the
# prefetch scanner reads, with the same definitions as pkgsrc's mk/fetch/bsd.fetch-vars.mk,
# mk/fetch/fetch.mk, mk/checksum/bsd.checksum-vars.mk and mk/bsd.pkg.mk; and the fetch and
# checksum phases of a plain build against DISTDIR (see the end of the file).

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

# The fetch and checksum phases, as mk/fetch/fetch.mk and mk/checksum/checksum.mk run them: in
# DISTDIR, for each of _ALLFILES the fetch script with the override first, then the file's
# SITES and the backup; then the checksum script over _CKSUMFILES. mk/fetch/fetch and
# mk/checksum/checksum here are stand-ins for pkgsrc's scripts (see their headers).
_FIXTURE_MK:=		${.PARSEDIR:tA}
DISTDIR?=		${_FIXTURE_MK:H}/distfiles
FETCH_CMD?=		curl
FETCH_BEFORE_ARGS?=	--fail --silent --show-error --location
FETCH_OUTPUT_ARGS?=	-o
FETCH_AFTER_ARGS?=
.export FETCH_CMD FETCH_BEFORE_ARGS FETCH_OUTPUT_ARGS FETCH_AFTER_ARGS

.PHONY: fetch checksum
fetch:
	@mkdir -p ${DISTDIR}
.for f in ${_ALLFILES}
	@cd ${DISTDIR} && /bin/sh ${_FIXTURE_MK}/fetch/fetch -f ${DISTINFO_FILE:tA:Q} ${f:Q} \
	    ${_MASTER_SITE_OVERRIDE} ${SITES.${f:T:S/=/--/}} ${_MASTER_SITE_BACKUP} \
	  || { ${ECHO} "Could not fetch the following file: "${f:Q}; \
	       ${ECHO} "Please retrieve this file manually into: ${DISTDIR}"; exit 1; }
.endfor

checksum: fetch
.if !defined(NO_CHECKSUM) && !empty(_CKSUMFILES)
	@cd ${DISTDIR} && /bin/sh ${_FIXTURE_MK}/checksum/checksum ${DISTINFO_FILE:tA:Q} ${_CKSUMFILES:@.f.@${.f.:Q}@} \
	  || { ${ECHO} "Make sure the Makefile and checksum file (${DISTINFO_FILE}) are up to date."; exit 1; }
.endif
