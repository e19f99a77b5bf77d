# Fake pkgsrc mk/misc/category.mk: a category Makefile lists its packages in SUBDIR.

.include "../bsd.pkg.subdir.mk"
