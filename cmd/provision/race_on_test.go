//go:build race

package main

// raceEnabled lets tests that build the binary build it with -race, so they
// reuse the packages the race-enabled test build already compiled.
const raceEnabled = true
