# Sends a signed request in three TCP segments: the head, then the body in two parts.
import json, socket, sys, time
req = json.load(open(sys.argv[1]))
body = req["body"].encode()
head = f"{req['method']} {req['target']} HTTP/1.1\r\nHost: 127.0.0.1:{sys.argv[2]}\r\n"
for name, value in req["headers"]:
    head += f"{name}: {value}\r\n"
head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
s = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(head.encode()); time.sleep(0.05)
half = len(body) // 2
s.sendall(body[:half]); time.sleep(0.05)
s.sendall(body[half:])
print(s.recv(4096).decode())
s.close()
