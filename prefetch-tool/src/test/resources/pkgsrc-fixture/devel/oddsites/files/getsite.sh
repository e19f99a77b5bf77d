#!/bin/sh
# Never run by the scanner: pkgsrc's fetch would run it to find a site.
echo https://dynamic.example/
