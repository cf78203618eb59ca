package authentik

import (
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
)

// localNode names this kernel boot and PID namespace: two processes with
// the same node see the same pids, so a lock holder of this node whose pid
// is gone is dead. A host name alone would not do: containers may share
// one and each has its own pids.
var localNode = sync.OnceValue(func() string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(boot)) + "/" + ns
})

// processAlive reports whether pid runs in this PID namespace (a process
// of another user counts as alive).
func processAlive(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
