# Receives a file sent with a JSON header: 4 bytes of header length, the
# header {"file_name", "file_size", "md5"}, then the file's bytes. It checks
# the size and the md5 before it believes the file arrived whole.
# 接收带 JSON 报头的文件：先是 4 字节的报头长度，然后是报头
# {"file_name", "file_size", "md5"}，最后是文件内容。核对大小和 md5 之后，
# 才认为文件完整到达。
#
#   python3 file_receiver.py PORT
import hashlib
import json
import socket
import struct
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000


def receive_exactly(connection, count):
    data = bytearray()
    while len(data) < count:
        part = connection.recv(min(65536, count - len(data)))
        if not part:
            raise ConnectionError("the sender closed after %d of %d bytes" % (len(data), count))
        data += part
    return bytes(data)


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("0.0.0.0", port))
listener.listen(5)
connection, peer = listener.accept()

(header_length,) = struct.unpack("!I", receive_exactly(connection, 4))
header = json.loads(receive_exactly(connection, header_length).decode("utf-8"))
print("header:", header, flush=True)
# Read exactly file_size bytes: not "until recv() returns nothing".
# 正好读 file_size 个字节，而不是“一直读到 recv() 返回空”。
body = receive_exactly(connection, header["file_size"])
digest = hashlib.md5(body).hexdigest()
if digest == header["md5"]:
    print("received", header["file_name"], len(body), "bytes, md5 matches", flush=True)
    connection.sendall(b"OK")
    status = 0
else:
    print("md5 differs: expected", header["md5"], "got", digest, flush=True)
    connection.sendall(b"BAD")
    status = 1
connection.close()
listener.close()
sys.exit(status)
