# The server streams data to a client that leaves in the middle. The
# client's kernel answers with RST, and the server's next send() fails with
# ECONNRESET ("connection reset by peer") or EPIPE ("broken pipe").
# 服务端向客户端持续发送数据，客户端中途离开。客户端的内核回应 RST，
# 服务端接下来的 send() 失败：ECONNRESET（连接被对方重置）或 EPIPE（管道已断开）。
#
#   python3 reset_server.py PORT
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("0.0.0.0", port))
listener.listen(5)
connection, peer = listener.accept()

chunk = b"x" * 16384
sent = 0
try:
    while True:
        sent += connection.send(chunk)
        time.sleep(0.01)
except (ConnectionResetError, BrokenPipeError) as error:
    # Python ignores SIGPIPE, so a write to a dead connection is an error
    # value here, not the death of the process (as in C by default).
    # Python 忽略了 SIGPIPE，所以写入已断开的连接在这里是一个错误，
    # 而不是像 C 程序默认那样让进程被信号杀死。
    print("after", sent, "bytes:", type(error).__name__, error, flush=True)
connection.close()
listener.close()
