# An echo client: it sends each message and prints what comes back.
# 回声客户端：发送每条消息，并打印服务端发回的内容。
#
#   python3 echo_client.py HOST PORT [MESSAGE ...]
# Without messages it sends each line you type, until Ctrl-D.
# 如果没有给出消息，就发送你输入的每一行，直到按下 Ctrl-D。
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else "server"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9000
messages = sys.argv[3:]

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# connect() is the handshake: SYN, SYN-ACK, ACK. It returns once it is done.
# connect() 就是三次握手：SYN、SYN-ACK、ACK，完成后才返回。
client.connect((host, port))


def echo(text):
    data = text.encode("utf-8")
    client.sendall(data)
    # The reply may arrive in pieces: read until all of it is here.
    # 回复可能分几段到达：一直读，直到全部收齐。
    reply = b""
    while len(reply) < len(data):
        part = client.recv(1024)
        if not part:
            break
        reply += part
    print("echo:", reply.decode("utf-8", "replace"), flush=True)


if messages:
    for message in messages:
        echo(message)
else:
    for line in sys.stdin:
        if line.strip():
            echo(line.rstrip("\n"))

# close() sends our FIN: the four-way teardown begins.
# close() 发出我们的 FIN：四次挥手开始。
client.close()
