#!/bin/sh
# A stand-in crontab keeping each user's table in $CRONTAB_SPOOL/USER;
# it takes the table from a file or, with "-", from stdin, and logs its
# calls to $CRONTAB_SPOOL/log.
echo "$*" >> "$CRONTAB_SPOOL/log"
u=$(id -un)
if [ "$1" = -u ]; then u=$2; shift 2; fi
case $1 in
-l) [ -f "$CRONTAB_SPOOL/$u" ] || { echo "no crontab for $u" >&2; exit 1; }
    cat "$CRONTAB_SPOOL/$u" ;;
-) cat > "$CRONTAB_SPOOL/$u" ;;
*) cat -- "$1" > "$CRONTAB_SPOOL/$u" ;;
esac
