# Sourced by the stand-ins: append "tool<TAB>arg<TAB>arg…" to $CACHEFLEET_STANDIN_LOG when set.
standin_log() {
  if [ -n "${CACHEFLEET_STANDIN_LOG:-}" ]; then
    line="$1"; shift
    for arg in "$@"; do line="$line	$arg"; done
    printf '%s\n' "$line" >> "$CACHEFLEET_STANDIN_LOG"
  fi
}
