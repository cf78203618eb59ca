package emulator

import (
	"net/http"
	"strings"
)

// Requests returns a copy of the request log, in order.
func (e *Emulator) Requests() []RequestRecord {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]RequestRecord(nil), e.log...)
}

// Count returns how many logged requests have this method ("" = any) and a
// path starting with pathPrefix.
func (e *Emulator) Count(method, pathPrefix string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, r := range e.log {
		if (method == "" || strings.EqualFold(method, r.Method)) && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// Writes returns how many logged requests were POST, PUT, PATCH or DELETE.
func (e *Emulator) Writes() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, r := range e.log {
		if isWrite(r.Method) {
			n++
		}
	}
	return n
}

// ResetLog empties the request log.
func (e *Emulator) ResetLog() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = nil
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func (e *Emulator) record(rec RequestRecord) {
	e.mu.Lock()
	e.log = append(e.log, rec)
	fn := e.logger
	e.mu.Unlock()
	if fn != nil {
		fn(rec)
	}
}
