/**
 * The sysctl tuner's script: `apply-sysctls.sh DIR [--watch SECONDS]`.
 *
 * DIR holds `99-kubernetes-network.conf` ("key = value" lines, a plain sysctl.d file),
 * `modules` (kernel modules the keys need, one per line) and `at-least` (keys whose
 * value is a floor). Each pass:
 *  1. loads the modules through the host's own modprobe (`nsenter -t 1 -m`, hostPID:
 *     the container's busybox cannot read every distribution's compressed modules);
 *  2. writes each key to /proc/sys (SYSCTL_ROOT overrides the root, for tests):
 *     - an "at least" key is never lowered: a higher current value is kept (systemd >= 240
 *       raises fs.file-max to the maximum; kernels >= 5.11 size inotify watches from RAM);
 *     - net.ipv4.ip_local_reserved_ports is merged with what the node already reserves;
 *     - a key the kernel does not have (its module is missing) is reported and retried
 *       on the next pass.
 * A write the kernel refuses fails the first pass (the init container), so a bad value
 * shows as Init:CrashLoopBackOff; with --watch the pass repeats every SECONDS and only
 * logs, so keys of modules loaded later still get their values.
 * Numbers are compared as decimal strings: fs.file-max may be 2^63-1, beyond shell arithmetic.
 */
export const APPLY_SYSCTLS_SCRIPT = `#!/bin/sh
set -u
dir="$1"
interval=""
[ "\${2:-}" = "--watch" ] && interval="\${3:-300}"
conf="$dir/99-kubernetes-network.conf"
root="\${SYSCTL_ROOT:-/proc/sys}"
modprobe_cmd="\${MODPROBE:-nsenter -t 1 -m -- modprobe}"

# 1 when $1 >= $2 (non-negative decimal integers of any length), else 0.
at_least() {
  a=$(printf '%s' "$1" | sed 's/^0*//'); b=$(printf '%s' "$2" | sed 's/^0*//')
  case "$a$b" in *[!0-9]*) echo 0; return ;; esac
  if [ "\${#a}" -ne "\${#b}" ]; then
    [ "\${#a}" -gt "\${#b}" ] && echo 1 || echo 0
  elif [ "$a" = "$b" ] || [ "$(printf '%s\\n%s\\n' "$a" "$b" | LC_ALL=C sort | tail -n 1)" = "$a" ]; then
    echo 1
  else
    echo 0
  fi
}

pass() {
  failed=0; absent=0; kept=0
  if [ -f "$dir/modules" ]; then
    while IFS= read -r m || [ -n "$m" ]; do
      [ -z "$m" ] && continue
      name="\${m%% *}"
      [ -d "\${SYS_MODULE_ROOT:-/sys/module}/$name" ] && continue
      # $m unquoted: "dummy numdummies=0" is a module and its parameter.
      if $modprobe_cmd $m >/dev/null 2>&1; then echo "module  $name loaded"; else echo "module  $name not loaded (keys that need it are skipped)"; fi
    done < "$dir/modules"
  fi
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*|';'*) continue ;; esac
    key=$(printf '%s' "\${line%%=*}" | tr -d ' \\t')
    value=$(printf '%s' "\${line#*=}" | sed 's/^[ \\t]*//;s/[ \\t]*$//')
    path="$root/$(printf '%s' "$key" | tr . /)"
    if [ ! -e "$path" ]; then
      echo "absent  $key (not on this kernel or its module is not loaded; retried next pass)"
      absent=$((absent + 1))
      continue
    fi
    current=$(cat "$path" 2>/dev/null | tr '\\t' ' ')
    if [ -f "$dir/at-least" ] && grep -qx "$key" "$dir/at-least" && [ "$(at_least "$current" "$value")" = 1 ]; then
      [ "$current" != "$value" ] && echo "kept    $key = $current (>= $value)"
      kept=$((kept + 1))
      continue
    fi
    if [ "$key" = "net.ipv4.ip_local_reserved_ports" ] && [ -n "$current" ]; then
      value="$current,$value"
    fi
    [ "$current" = "$value" ] && continue
    if printf '%s\\n' "$value" > "$path"; then
      echo "set     $key = $(cat "$path")"
    else
      echo "FAILED  $key = $value"
      failed=$((failed + 1))
    fi
  done < "$conf"
  echo "done: $failed failed, $absent absent, $kept kept"
  [ "$failed" -eq 0 ]
}

if [ -z "$interval" ]; then
  pass
  exit $?
fi
# Later passes log only what changes (a key set again, a module loaded).
while true; do
  sleep "$interval"
  pass 2>&1 | grep -v -e '^absent' -e '^done' -e '^kept' -e 'not loaded' || true
done
`;
