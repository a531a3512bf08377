/**
 * The init step of the sysctl tuner. Reads "key = value" lines and writes each
 * to /proc/sys (SYSCTL_ROOT overrides the root, for tests). A key the kernel does not have (module not loaded) is reported
 * and skipped; a write the kernel refuses fails the pod, so a bad value shows
 * as an Init:CrashLoopBackOff instead of being ignored.
 */
export const APPLY_SYSCTLS_SCRIPT = `#!/bin/sh
set -u
conf="$1"
root="\${SYSCTL_ROOT:-/proc/sys}"
failed=0
absent=0
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in ''|'#'*|';'*) continue ;; esac
  key=$(printf '%s' "\${line%%=*}" | tr -d ' \\t')
  value=$(printf '%s' "\${line#*=}" | sed 's/^[ \\t]*//;s/[ \\t]*$//')
  path="$root/$(printf '%s' "$key" | tr . /)"
  if [ ! -e "$path" ]; then
    echo "absent  $key (not on this kernel; is its module loaded?)"
    absent=$((absent + 1))
    continue
  fi
  if printf '%s\\n' "$value" > "$path"; then
    echo "set     $key = $(cat "$path")"
  else
    echo "FAILED  $key = $value"
    failed=$((failed + 1))
  fi
done < "$conf"
echo "done: $failed failed, $absent absent"
[ "$failed" -eq 0 ]
`;
