-- wrk: POST one signed Payvost event (body from $BODY_FILE, signature from $SIGNATURE).
local file = io.open(os.getenv("BODY_FILE"), "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Payvost-Signature"] = os.getenv("SIGNATURE")
