package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
)

const APIPrefix = "/api/v3/"

// call is one API request as seen by a handler.
type Call struct {
	R    *http.Request
	Body []byte
	Q    url.Values
	ID   string // detail id from the URL, "" on collections
	User int32  // the token's user; 0 on anonymous requests
}

// dropConnection closes the client connection without any response.
func DropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func WriteResp(w http.ResponseWriter, res Resp, truncate bool) {
	for k, vs := range res.Hdr {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	var data []byte
	switch b := res.Body.(type) {
	case nil:
	case RawBody:
		data = b
	default:
		var err error
		data, err = encodeJSON(b)
		if err != nil {
			res.Status = http.StatusInternalServerError
			data = []byte(fmt.Sprintf(`{"detail":%q}`, "emulator: encode response: "+err.Error()))
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
	}
	if data == nil {
		w.WriteHeader(res.Status)
		return
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(res.Status)
	if truncate {
		data = data[:len(data)/2]
	}
	_, _ = w.Write(data)
}

// rawBody is a response body written as-is.
type RawBody []byte
