# Sends a file with a JSON header that carries its name, size and md5.
# 发送一个文件，JSON 报头里带着它的名字、大小和 md5。
#
#   python3 file_sender.py HOST PORT [FILE]
# Without FILE it sends 200 KiB it makes up (always the same bytes).
# 不指定 FILE 时，发送自己生成的 200 KiB 数据（每次内容都一样）。
import hashlib
import json
import os
import socket
import struct
import sys

host = sys.argv[1] if len(sys.argv) > 1 else "server"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9000
if len(sys.argv) > 3:
    name = os.path.basename(sys.argv[3])
    with open(sys.argv[3], "rb") as source:
        body = source.read()
else:
    name = "sample.bin"
    body = bytes(i * 7 % 251 for i in range(200 * 1024))

header = json.dumps({"file_name": name, "file_size": len(body), "md5": hashlib.md5(body).hexdigest()})
header_bytes = header.encode("utf-8")

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect((host, port))
# Three sends: the header's length, the header, the body. On the wire they
# become MSS-sized segments that have nothing to do with these three calls.
# 三次发送：报头长度、报头、正文。在线路上它们变成按 MSS 切分的报文段，
# 与这三次调用毫无关系。
client.sendall(struct.pack("!I", len(header_bytes)))
client.sendall(header_bytes)
client.sendall(body)
print("sent", name, len(body), "bytes; the receiver says", client.recv(16).decode(), flush=True)
client.close()
