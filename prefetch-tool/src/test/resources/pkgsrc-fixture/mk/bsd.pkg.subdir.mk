# Fake pkgsrc mk/bsd.pkg.subdir.mk: only show-subdir-var, which pbulk's scan runs as
# "make show-subdir-var VARNAME=SUBDIR" in the top directory and in each category.

ECHO?=		echo

.PHONY: show-subdir-var
show-subdir-var:
	@${ECHO} ${${VARNAME}:Q}
