// Package chaos is the emulator's fault injection: the chaos middleware
// (New: random 5xx, resets and lost answers in front of any handler) and
// the targeted faults an Emulator fires (Faults: by method, path prefix,
// count or probability). The root package re-exports both under its old
// names (emulator.Chaos, emulator.Fault, ...).
package chaos
