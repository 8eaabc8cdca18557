"""mails.py - the test mails, as raw RFC 5322 bytes, in the charsets and
structures a contact center gets."""
import base64


def italian_qp(mid):
    """ISO-8859-1, quoted-printable, an encoded-word subject."""
    return ("From: =?ISO-8859-1?Q?Ada_Lovelace_Perr=F2?= <ada@example.org>\r\n"
            "To: help@centralino.test\r\n"
            "Subject: =?ISO-8859-1?Q?Richiesta_urgente:_perch=E9_il_certificato?=\r\n"
            "Message-ID: %s\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=ISO-8859-1\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Buongiorno, vorrei sapere perch=E9 il mio certificato non =E8 ancora\r\n"
            "arrivato. Grazie per l'attenzione, citt=E0 di Forl=EC.\r\n"
            % mid).encode("ascii")


PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


def spanish_multipart(mid):
    """UTF-8 base64, multipart/alternative inside multipart/mixed, a PDF."""
    text = ("Hola, quiero información sobre mi cita médica. "
            "¿Podéis ayudarme? Gracias, Begoña").encode("utf-8")
    html = ("<p>Hola, quiero <b>información</b> sobre mi cita médica.</p>"
            "<img src=\"http://tracker.example/x.png\">").encode("utf-8")
    return (("From: =?UTF-8?B?%s?= <bego@example.org>\r\n"
             "To: help@centralino.test\r\n"
             "Subject: =?UTF-8?B?%s?=\r\n"
             "Message-ID: %s\r\n"
             "MIME-Version: 1.0\r\n"
             "Content-Type: multipart/mixed; boundary=\"mix\"\r\n"
             "\r\n--mix\r\n"
             "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
             "\r\n--alt\r\n"
             "Content-Type: text/plain; charset=UTF-8\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
             "--alt\r\n"
             "Content-Type: text/html; charset=UTF-8\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
             "--alt--\r\n"
             "--mix\r\n"
             "Content-Type: application/pdf; name=\"cita.pdf\"\r\n"
             "Content-Disposition: attachment; filename=\"cita.pdf\"\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
             "--mix--\r\n")
            % (base64.b64encode("Begoña Núñez".encode()).decode(),
               base64.b64encode("Cita médica".encode()).decode(), mid,
               base64.encodebytes(text).decode().replace("\n", "\r\n"),
               base64.encodebytes(html).decode().replace("\n", "\r\n"),
               base64.encodebytes(PDF).decode().replace("\n", "\r\n"))
            ).encode("ascii")


def big_attachment(mid, size):
    blob = base64.encodebytes(b"x" * size).decode().replace("\n", "\r\n")
    return ("From: carl@example.org\r\n"
            "To: help@centralino.test\r\n"
            "Subject: scan of my documents\r\n"
            "Message-ID: %s\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
            "\r\n--b\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            "Please find the scan attached.\r\n"
            "--b\r\n"
            "Content-Type: image/png\r\n"
            "Content-Disposition: attachment; filename=\"scan.png\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            "--b--\r\n" % (mid, blob)).encode("ascii")


def plain(mid, sender, subject, body, extra=""):
    return ("From: %s\r\nTo: help@centralino.test\r\nSubject: %s\r\n"
            "%s%sMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n"
            % (sender, subject, ("Message-ID: %s\r\n" % mid) if mid else "",
               extra, body)).encode("utf-8")
