# Fake pkgsrc lang/go/go-module.mk: only how Go module files become distfiles with
# full-URL sites (the module path with '/' and '!' flattened to '_').

DISTFILES?=	${DEFAULT_DISTFILES}
.for i in ${GO_MODULE_FILES}
DISTFILES+=	${i:C/[\/!]/_/g}
SITES.${i:C/[\/!]/_/g}= -https://proxy.golang.org/${i}
.endfor
